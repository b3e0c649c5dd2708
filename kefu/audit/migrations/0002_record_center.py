import django.db.models.deletion
from django.db import migrations, models


def centers_of_past_records(apps, schema_editor):
    """Records written before the field: the center of the staff record of the one who acted."""
    AuditRecord = apps.get_model("audit", "AuditRecord")
    Staff = apps.get_model("org", "Staff")
    for user_id, center_id in Staff.objects.values_list("user_id", "center_id"):
        AuditRecord.objects.filter(actor_id=user_id, center__isnull=True).update(center_id=center_id)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
        ("org", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditrecord",
            name="center",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="org.center",
                verbose_name="中心",
            ),
        ),
        migrations.RunPython(centers_of_past_records, migrations.RunPython.noop),
    ]
