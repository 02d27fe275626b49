"""The city or town of a trafficking event becomes encrypted text; existing values are encrypted in place."""

from django.db import migrations

import strom.crypto.fields
from strom.crypto.in_place import encrypt_column


class Migration(migrations.Migration):
    dependencies = [
        ("casefile", "0001_events_perpetrators_notes_documents"),
    ]

    operations = [
        migrations.AlterField(
            model_name="traffickingevent",
            name="city",
            field=strom.crypto.fields.EncryptedTextField(blank=True, default="", verbose_name="city or town"),
        ),
        encrypt_column("casefile_traffickingevent", "city", "casefile.traffickingevent.city"),
    ]
