"""The chain of assistance and the country rules versions move to `stages`, Notification to `accounts`.

State only: the tables (cases_decision, cases_casetask, ...) stay and now belong to the models in
those apps (their migrations run before this one). Referencing models go before the ones they refer to.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0007_load_shipped_country_rules"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name="Reminder"),
                migrations.DeleteModel(name="CaseTask"),
                migrations.DeleteModel(name="Notification"),
                migrations.DeleteModel(name="PermitRenewal"),
                migrations.DeleteModel(name="ResidencePermit"),
                migrations.DeleteModel(name="ReflectionExtension"),
                migrations.DeleteModel(name="ReflectionPeriod"),
                migrations.DeleteModel(name="CountryRuleVersion"),
                migrations.DeleteModel(name="Decision"),
                migrations.DeleteModel(name="CaseStageChange"),
                migrations.DeleteModel(name="ReturnPlan"),
                migrations.DeleteModel(name="Proceeding"),
            ],
        ),
    ]
