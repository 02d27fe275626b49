"""Notification moves from `cases` to `accounts`, keeping its table cases_notification (state only)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0001_initial'),
        ('cases', '0007_load_shipped_country_rules'),
    ]

    run_before = [('cases', '0008_stages_and_notification_move_out')]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The table is already there: only Django's picture of the models changes.
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='Notification',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('message_key', models.CharField(max_length=40)),
                        ('params', models.JSONField(blank=True, default=dict)),
                        ('url', models.CharField(blank=True, max_length=200)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('read_at', models.DateTimeField(blank=True, null=True)),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='notifications', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'cases_notification',
                        'indexes': [models.Index(fields=['user', '-created_at'], name='notification_user_created')],
                    },
                ),
            ],
        ),
    ]
