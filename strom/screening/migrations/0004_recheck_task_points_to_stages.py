"""A recheck's task is a stages.CaseTask now that tasks moved out of `cases`; same table, same column (state only)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('screening', '0003_load_shipped_indicator_sets'),
        ('stages', '0001_stages_models_from_cases'),
    ]

    run_before = [('cases', '0008_stages_and_notification_move_out')]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The table is already there: only Django's picture of the models changes.
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name='screeningrecheck',
                    name='task',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='stages.casetask'),
                ),
            ],
        ),
    ]
