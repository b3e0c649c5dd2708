"""An auditor (or administrator) of one center never reads another center's audit records (issue 13: the second
center's administrator read the first's audit log). Each record carries the center of the one who acted."""

from __future__ import annotations

from django.urls import reverse

from kefu.audit.models import AuditRecord
from kefu.audit.services import record_read
from kefu.org import services


def test_each_center_reads_only_its_own_audit_records(make_staff, client_for):
    ours = make_staff("agent", staff_no="2001")
    auditor = make_staff("auditor", staff_no="7101")
    other = services.create_center("second", "第二中心")
    their_admin = services.create_staff(
        other, staff_no="B900", name="乙管理员", roles=["admin"], username="b900", password="Kefu-test-2026!"
    )
    their_auditor = services.create_staff(
        other, staff_no="B901", name="乙审计", roles=["auditor"], username="b901", password="Kefu-test-2026!"
    )
    mine = record_read(None, object_type="customers.customer", ids=[918273], fields="phone", user=ours.user)
    theirs = record_read(None, object_type="customers.customer", ids=[564738], fields="phone", user=their_admin.user)
    assert (mine.center_id, theirs.center_id) == (ours.center_id, other.pk)

    for outsider in (their_admin, their_auditor):
        found = client_for(outsider).get("/api/audit/records?object_type=customers.customer").json()
        assert [r["object_ids"] for r in found] == ["564738"]
        page = client_for(outsider).get(reverse("audit:search"), {"object_type": "customers.customer"})
        assert [r.object_ids for r in page.context["page"].object_list] == ["564738"]
        assert "乙管理员 (B900)" in page.content.decode() and "员工2001" not in page.content.decode()
    found = client_for(auditor).get("/api/audit/records?object_type=customers.customer").json()
    assert [r["object_ids"] for r in found] == ["918273"]
    assert client_for(auditor).get("/api/audit/records?object_id=564738").json() == []


def test_a_record_without_a_staff_member_belongs_to_no_center(make_staff, client_for):
    auditor = make_staff("auditor", staff_no="7101")
    failed = AuditRecord.objects.create(
        action=AuditRecord.Action.LOGIN, channel=AuditRecord.Channel.PAGE, object_type="user", note="登录失败：x"
    )
    assert failed.center_id is None
    assert failed.pk not in [r["id"] for r in client_for(auditor).get("/api/audit/records?action=login").json()]
