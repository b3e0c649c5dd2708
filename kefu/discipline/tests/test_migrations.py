"""The employment type has one source, the staff record (004:L1739-1745): the migration that removed it from the
discipline record carries existing rows over (a discipline "temporary", 000:L86, becomes the staff record's temporary;
probation and suspended 待岗, 000:L82, stay as the discipline record's status), and back."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("discipline", "0002_team_rules")]
AFTER = [("discipline", "0003_employment_from_staff_record")]


def migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)
    return executor.loader.project_state(target).apps


@pytest.mark.django_db(transaction=True)
def test_existing_records_carried_over_and_back():
    apps = migrate(BEFORE)
    Center, Staff, User = (
        apps.get_model("org", "Center"),
        apps.get_model("org", "Staff"),
        apps.get_model("auth", "User"),
    )
    StaffRecord = apps.get_model("discipline", "StaffRecord")
    center = Center.objects.create(code="mig", name="迁移中心")
    people = {}
    for i, old in enumerate(("regular", "probation", "temporary", "suspended")):
        user = User.objects.create(username=f"mig{i}")
        people[old] = Staff.objects.create(
            user=user, center=center, staff_no=f"M{i}", name=f"员工{i}", employment="full_time"
        )
        StaffRecord.objects.create(staff=people[old], rank="station_head", employment=old)
    part_time = Staff.objects.create(
        user=User.objects.create(username="mig9"), center=center, staff_no="M9", name="兼职", employment="part_time"
    )
    StaffRecord.objects.create(staff=part_time, employment="regular")
    try:
        apps = migrate(AFTER)
        Staff, StaffRecord = apps.get_model("org", "Staff"), apps.get_model("discipline", "StaffRecord")
        employment = dict(Staff.objects.filter(center__code="mig").values_list("staff_no", "employment"))
        status = dict(StaffRecord.objects.values_list("staff__staff_no", "status"))
        assert employment == {
            "M0": "full_time",
            "M1": "full_time",
            "M2": "temporary",
            "M3": "full_time",
            "M9": "part_time",
        }
        assert status == {"M0": "active", "M1": "probation", "M2": "active", "M3": "suspended", "M9": "active"}
        assert set(StaffRecord.objects.values_list("rank", flat=True)) == {"station_head", "staff"}

        apps = migrate(BEFORE)
        StaffRecord = apps.get_model("discipline", "StaffRecord")
        back = dict(StaffRecord.objects.values_list("staff__staff_no", "employment"))
        assert back == {"M0": "regular", "M1": "probation", "M2": "temporary", "M3": "suspended", "M9": "regular"}
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
