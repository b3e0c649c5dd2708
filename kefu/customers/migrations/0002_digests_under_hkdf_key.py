"""Customers' digests (phone, service number) keyed by HKDF from the field key, and every encrypted field written again
under the first configured key (kefu.audit.crypto.rekey_model, the routine of `manage.py rotate_field_key`)."""

from django.db import migrations


def rekey(apps, schema_editor):
    from kefu.audit.crypto import rekey_model

    rekey_model(apps.get_model("customers", "Customer"))


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(rekey, migrations.RunPython.noop, elidable=False),
    ]
