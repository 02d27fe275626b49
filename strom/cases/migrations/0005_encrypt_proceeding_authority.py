"""The court or authority of proceedings becomes encrypted text; existing values are encrypted in place."""

from django.db import migrations

import strom.crypto.fields
from strom.crypto.in_place import encrypt_column


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0004_person_name_key_covering_index"),
    ]

    operations = [
        migrations.AlterField(
            model_name="proceeding",
            name="authority",
            field=strom.crypto.fields.EncryptedTextField(
                blank=True, default="", verbose_name="court or authority"
            ),
        ),
        encrypt_column("cases_proceeding", "authority", "cases.proceeding.authority"),
    ]
