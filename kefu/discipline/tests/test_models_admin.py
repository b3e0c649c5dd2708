"""Rank and status of the appraisal record are edited in the admin site (000:L84 the bonus base by rank, 000:L82
suspended staff not graded); a rank the center's policy has no base for is refused, naming the field."""

import pytest

from kefu.discipline.admin import StaffRecordForm
from kefu.discipline.models import StaffRecord

pytestmark = pytest.mark.django_db


def test_rank_must_have_a_bonus_base_000_L84(make_staff):
    agent = make_staff("agent", staff_no="2001")
    refused = StaffRecordForm(data={"staff": agent.pk, "rank": "emperor", "status": "active"})
    assert not refused.is_valid()
    assert "职级：emperor" in refused.errors["rank"][0]
    assert not StaffRecord.objects.exists()
    kept = StaffRecordForm(data={"staff": agent.pk, "rank": "staff", "status": "suspended"})
    assert kept.is_valid(), kept.errors
    record = kept.save()
    assert (record.rank, record.status) == ("staff", "suspended")


def test_admin_lists_only_the_own_centers_records(make_staff, client):
    from kefu.org import services as org_services

    mine = make_staff("agent", staff_no="2001")
    StaffRecord.objects.create(staff=mine, rank="staff")
    other_center = org_services.create_center("c2", "二中心")
    theirs = org_services.create_staff(
        other_center, staff_no="9001", name="外人", roles=["agent"], username="x9001", password="x-Pass-12345"
    )
    StaffRecord.objects.create(staff=theirs, rank="staff")
    admin = make_staff("admin", staff_no="1001")
    admin.user.is_staff = admin.user.is_superuser = True  # the center's administrator (kefu/tests/test_admin_scope.py)
    admin.user.save()
    client.force_login(admin.user)
    page = client.get("/admin/discipline/staffrecord/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "2001" in body and "9001" not in body
