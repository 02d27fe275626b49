import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_hub_roles"),
        ("cases", "0008_stages_and_notification_move_out"),
    ]

    operations = [
        migrations.CreateModel(
            name="SavedCaseFilter",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=80, verbose_name="name")),
                ("query", models.CharField(max_length=500)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="saved_case_filters",
                        to="accounts.user",
                    ),
                ),
            ],
            options={
                "verbose_name": "saved filter",
                "verbose_name_plural": "saved filters",
                "ordering": ["name", "id"],
                "constraints": [
                    models.UniqueConstraint(fields=("user", "name"), name="saved_case_filter_unique_name")
                ],
            },
        ),
    ]
