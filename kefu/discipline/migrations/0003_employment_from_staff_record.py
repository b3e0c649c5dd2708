"""The employment type has one source, the staff record (org Staff.employment, 004:L1739-1745): the discipline
record keeps only what is not an employment type, the appraisal status (probation, suspended 待岗, 000:L82).
Existing rows are carried over: a discipline "temporary" (临时人员, 000:L86) becomes the staff record's temporary."""

from django.db import migrations, models


def carry_over(apps, schema_editor):
    StaffRecord = apps.get_model("discipline", "StaffRecord")
    Staff = apps.get_model("org", "Staff")
    temporary = list(StaffRecord.objects.filter(employment="temporary").values_list("staff_id", flat=True))
    Staff.objects.filter(pk__in=temporary).update(employment="temporary")
    for old, new in (("probation", "probation"), ("suspended", "suspended")):
        StaffRecord.objects.filter(employment=old).update(status=new)


def carry_back(apps, schema_editor):
    StaffRecord = apps.get_model("discipline", "StaffRecord")
    for status in ("probation", "suspended"):
        StaffRecord.objects.filter(status=status).update(employment=status)
    StaffRecord.objects.filter(status="active", staff__employment="temporary").update(employment="temporary")


class Migration(migrations.Migration):
    dependencies = [
        ("discipline", "0002_team_rules"),
        ("org", "0002_staff_employment"),
    ]

    operations = [
        migrations.AddField(
            model_name="staffrecord",
            name="status",
            field=models.CharField(
                choices=[("active", "在岗"), ("probation", "试用期"), ("suspended", "待岗")],
                default="active",
                max_length=20,
                verbose_name="考评状态",
            ),
        ),
        migrations.RunPython(carry_over, carry_back),
        migrations.RemoveField(
            model_name="staffrecord",
            name="employment",
        ),
    ]
