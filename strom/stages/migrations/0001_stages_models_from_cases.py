"""The chain of assistance and the country rules versions move from `cases` to `stages`, keeping their tables (state only)."""

import django.contrib.postgres.fields
import django.db.models.deletion
import strom.core.countries
import strom.crypto.fields
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('accounts', '0001_initial'),
        ('cases', '0007_load_shipped_country_rules'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    run_before = [('cases', '0008_stages_and_notification_move_out')]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The table is already there: only Django's picture of the models changes.
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='CountryRuleVersion',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('country', models.CharField(choices=strom.core.countries.country_choices, max_length=2, verbose_name='country')),
                        ('number', models.PositiveIntegerField(verbose_name='version')),
                        ('effective_from', models.DateField(verbose_name='in force from')),
                        ('items', models.JSONField()),
                        ('note', models.TextField(blank=True, default='', verbose_name='note')),
                        ('backdated', models.BooleanField(default=False)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'country rules version',
                        'verbose_name_plural': 'country rules versions',
                        'db_table': 'cases_countryruleversion',
                    },
                ),
                migrations.CreateModel(
                    name='CaseTask',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(max_length=32)),
                        ('title_key', models.CharField(max_length=40)),
                        ('title_params', models.JSONField(blank=True, default=dict)),
                        ('source', models.CharField(blank=True, default='', max_length=40)),
                        ('due_date', models.DateField(verbose_name='due')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('done_at', models.DateTimeField(blank=True, null=True)),
                        ('cancelled_at', models.DateTimeField(blank=True, null=True)),
                        ('assignee', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='case_tasks', to=settings.AUTH_USER_MODEL, verbose_name='assigned to')),
                        ('case', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='tasks', to='cases.case')),
                        ('created_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('done_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('rule_version', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='stages.countryruleversion')),
                    ],
                    options={
                        'verbose_name': 'task',
                        'verbose_name_plural': 'tasks',
                        'db_table': 'cases_casetask',
                    },
                ),
                migrations.CreateModel(
                    name='Decision',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('reasonable_grounds', 'Reasonable-grounds decision'), ('formal_identification', 'Formal identification decision')], max_length=24, verbose_name='decision')),
                        ('outcome', models.CharField(choices=[('positive', 'Positive'), ('negative', 'Negative')], max_length=8, verbose_name='outcome')),
                        ('decided_by_org_type', models.CharField(choices=[('Police', 'Police'), ('NGO', 'Non-governmental organisation'), ('CourtOrProsecution', 'Court or prosecution'), ('NonPoliceGovernmentalOrganization', 'Non-police governmental organisation'), ('Other', 'Other')], max_length=40, verbose_name='decided by (type of body)')),
                        ('decided_at', models.DateField(verbose_name='date of the decision')),
                        ('reason', strom.crypto.fields.EncryptedTextField(blank=True, default='', verbose_name='reasons')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('case', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='decisions', to='cases.case')),
                        ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('recorded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'decision',
                        'verbose_name_plural': 'decisions',
                        'db_table': 'cases_decision',
                    },
                ),
                migrations.CreateModel(
                    name='Proceeding',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('criminal', 'Criminal'), ('civil', 'Civil'), ('administrative', 'Administrative')], max_length=16, verbose_name='kind')),
                        ('role', models.CharField(choices=[('victim', 'Victim'), ('witness', 'Witness'), ('injured_party', 'Injured party'), ('civil_claimant', 'Civil claimant'), ('none', 'No role')], max_length=16, verbose_name="the person's role")),
                        ('compensation_claimed', models.BooleanField(default=False, verbose_name='compensation claimed')),
                        ('compensation_amount', models.DecimalField(blank=True, decimal_places=2, max_digits=12, null=True, verbose_name='amount claimed')),
                        ('compensation_currency', models.CharField(blank=True, max_length=3, verbose_name='currency')),
                        ('status', models.CharField(choices=[('planned', 'Not started'), ('ongoing', 'Ongoing'), ('concluded', 'Concluded'), ('discontinued', 'Discontinued')], default='ongoing', max_length=16, verbose_name='status')),
                        ('authority', strom.crypto.fields.EncryptedTextField(blank=True, default='', verbose_name='court or authority')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('case', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='proceedings', to='cases.case')),
                        ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'proceedings',
                        'verbose_name_plural': 'proceedings',
                        'db_table': 'cases_proceeding',
                    },
                ),
                migrations.CreateModel(
                    name='ReflectionPeriod',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('starts_on', models.DateField(verbose_name='starts')),
                        ('base_days', models.PositiveSmallIntegerField(verbose_name='days granted')),
                        ('extension_days', models.PositiveSmallIntegerField(default=0, verbose_name='days of extension')),
                        ('ends_on', models.DateField(verbose_name='last day')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('case', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='reflection', to='cases.case')),
                        ('rule_version', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='stages.countryruleversion')),
                    ],
                    options={
                        'verbose_name': 'reflection and recovery period',
                        'db_table': 'cases_reflectionperiod',
                    },
                ),
                migrations.CreateModel(
                    name='ReflectionExtension',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('days', models.PositiveSmallIntegerField(verbose_name='days')),
                        ('reason', strom.crypto.fields.EncryptedTextField(verbose_name='reason')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('period', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='extensions', to='stages.reflectionperiod')),
                    ],
                    options={
                        'db_table': 'cases_reflectionextension',
                    },
                ),
                migrations.CreateModel(
                    name='Reminder',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('due_soon', 'Due soon'), ('overdue', 'Overdue')], max_length=10)),
                        ('sent_at', models.DateTimeField()),
                        ('task', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='reminders', to='stages.casetask')),
                    ],
                    options={
                        'db_table': 'cases_reminder',
                    },
                ),
                migrations.CreateModel(
                    name='ResidencePermit',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('basis', django.contrib.postgres.fields.ArrayField(base_field=models.CharField(choices=[('personal_situation', 'Personal situation'), ('cooperation', 'Cooperation with the authorities')], max_length=20), size=None, verbose_name='basis')),
                        ('applied_on', models.DateField(verbose_name='applied')),
                        ('decision', models.CharField(choices=[('pending', 'Applied, no decision yet'), ('granted', 'Granted'), ('refused', 'Refused'), ('withdrawn', 'Application withdrawn')], default='pending', max_length=10, verbose_name='decision')),
                        ('decided_on', models.DateField(blank=True, null=True, verbose_name='decided')),
                        ('valid_from', models.DateField(blank=True, null=True, verbose_name='valid from')),
                        ('valid_until', models.DateField(blank=True, null=True, verbose_name='valid until')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('case', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='residence_permits', to='cases.case')),
                        ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'residence permit',
                        'db_table': 'cases_residencepermit',
                    },
                ),
                migrations.CreateModel(
                    name='PermitRenewal',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('valid_from', models.DateField(verbose_name='valid from')),
                        ('valid_until', models.DateField(verbose_name='valid until')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('permit', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='renewals', to='stages.residencepermit')),
                    ],
                    options={
                        'db_table': 'cases_permitrenewal',
                    },
                ),
                migrations.CreateModel(
                    name='ReturnPlan',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('return', 'Return to the country of origin'), ('reintegration', 'Reintegration'), ('local_integration', 'Local integration')], max_length=20, verbose_name='type')),
                        ('destination_country', models.CharField(blank=True, choices=strom.core.countries.country_choices, max_length=2, verbose_name='destination country')),
                        ('risk_assessment_done', models.BooleanField(default=False, verbose_name='risk assessment done')),
                        ('risk_assessment_on', models.DateField(blank=True, null=True, verbose_name='date of the risk assessment')),
                        ('planned_on', models.DateField(blank=True, null=True, verbose_name='planned date')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('case', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='return_plans', to='cases.case')),
                        ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'cases_returnplan',
                    },
                ),
                migrations.CreateModel(
                    name='CaseStageChange',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('from_stage', models.CharField(max_length=32)),
                        ('to_stage', models.CharField(max_length=32)),
                        ('at', models.DateTimeField()),
                        ('reason', strom.crypto.fields.EncryptedTextField(blank=True, default='', verbose_name='reason')),
                        ('by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('case', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='stage_changes', to='cases.case')),
                    ],
                    options={
                        'db_table': 'cases_casestagechange',
                        'indexes': [models.Index(fields=['case', 'at'], name='stage_change_case_at')],
                    },
                ),
                migrations.AddIndex(
                    model_name='countryruleversion',
                    index=models.Index(fields=['country', '-effective_from', '-number'], name='rule_version_in_force'),
                ),
                migrations.AddConstraint(
                    model_name='countryruleversion',
                    constraint=models.UniqueConstraint(fields=('country', 'number'), name='one_rule_version_number_per_country'),
                ),
                migrations.AddIndex(
                    model_name='casetask',
                    index=models.Index(condition=models.Q(('cancelled_at__isnull', True), ('done_at__isnull', True)), fields=['assignee', 'due_date'], name='task_open_by_assignee'),
                ),
                migrations.AddIndex(
                    model_name='casetask',
                    index=models.Index(condition=models.Q(('cancelled_at__isnull', True), ('done_at__isnull', True)), fields=['due_date'], name='task_open_due'),
                ),
                migrations.AddIndex(
                    model_name='casetask',
                    index=models.Index(fields=['case', 'due_date'], name='task_case_due'),
                ),
                migrations.AddIndex(
                    model_name='decision',
                    index=models.Index(fields=['case', 'kind', '-decided_at', '-id'], name='decision_case_kind'),
                ),
                migrations.AddConstraint(
                    model_name='reflectionperiod',
                    constraint=models.CheckConstraint(condition=models.Q(('ends_on__gte', models.F('starts_on'))), name='reflection_ends_after_start'),
                ),
                migrations.AddConstraint(
                    model_name='reflectionextension',
                    constraint=models.CheckConstraint(condition=models.Q(('days__gt', 0)), name='extension_days_positive'),
                ),
                migrations.AddConstraint(
                    model_name='reminder',
                    constraint=models.UniqueConstraint(fields=('task', 'kind'), name='one_reminder_per_task_kind'),
                ),
                migrations.AddConstraint(
                    model_name='residencepermit',
                    constraint=models.CheckConstraint(condition=models.Q(('valid_until__isnull', True), ('valid_from__isnull', True), ('valid_until__gt', models.F('valid_from')), _connector='OR'), name='permit_valid_until_after_from'),
                ),
                migrations.AddConstraint(
                    model_name='permitrenewal',
                    constraint=models.CheckConstraint(condition=models.Q(('valid_until__gt', models.F('valid_from'))), name='renewal_until_after_from'),
                ),
            ],
        ),
    ]
