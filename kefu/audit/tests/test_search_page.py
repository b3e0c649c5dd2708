"""The auditor's search page over AuditRecord: filters, time range bounds, pagination, permissions."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from kefu.audit.models import AuditRecord

TZ = ZoneInfo("Asia/Shanghai")


def rec(staff_no, action, object_type, ids, at, note=""):
    from kefu.org.models import Center

    # the records of the auditor's own center (an auditor reads no other center's)
    r = AuditRecord.objects.create(
        staff_no=staff_no,
        action=action,
        channel="page",
        object_type=object_type,
        object_ids=ids,
        note=note,
        center=Center.objects.get(code="test"),
    )
    AuditRecord.objects.filter(pk=r.pk).update(at=at)
    return r


@pytest.fixture
def records(center):
    return {
        "a": rec("2001", "read", "customer", "5,12,30", datetime(2026, 3, 1, 9, 0, tzinfo=TZ), "甲"),
        "b": rec("2001", "unmask", "customer", "123", datetime(2026, 3, 1, 10, 0, tzinfo=TZ), "乙"),
        "c": rec("2002", "export", "order", "12", datetime(2026, 3, 2, 0, 0, tzinfo=TZ), "丙"),
        "d": rec("2003", "read", "customer", "7", datetime(2026, 3, 3, 8, 0, tzinfo=TZ), "丁"),
    }


def notes(response):
    return sorted(r.note for r in response.context["page"].object_list)


@pytest.fixture
def auditor(make_staff, client_for):
    return client_for(make_staff("auditor", staff_no="9001"))


@pytest.mark.django_db
def test_only_auditor_and_admin_may_open_it(make_staff, client_for):
    assert client_for(make_staff("auditor")).get("/audit/").status_code == 200
    assert client_for(make_staff("admin")).get("/audit/").status_code == 200
    for role in ("agent", "supervisor", "manager", "senior_agent"):
        assert client_for(make_staff(role)).get("/audit/").status_code == 403, role


@pytest.mark.django_db
def test_filters(records, auditor):
    assert notes(auditor.get("/audit/", {"staff_no": "2001"})) == ["乙", "甲"]
    assert notes(auditor.get("/audit/", {"action": "read"})) == ["丁", "甲"]
    assert notes(auditor.get("/audit/", {"object_type": "order"})) == ["丙"]
    # object id 12 is in "5,12,30" and "12", not in "123"
    assert notes(auditor.get("/audit/", {"object_id": "12"})) == ["丙", "甲"]
    assert notes(auditor.get("/audit/", {"staff_no": "2001", "object_id": "12"})) == ["甲"]


@pytest.mark.django_db
def test_time_range_includes_the_start_and_excludes_the_end(records, auditor):
    got = notes(auditor.get("/audit/", {"since": "2026-03-01T10:00", "until": "2026-03-02T00:00"}))
    assert got == ["乙"]  # 10:00 is in, 00:00 of 2 March is out
    assert notes(auditor.get("/audit/", {"since": "2026-03-02", "until": "2026-03-04"})) == ["丁", "丙"]


@pytest.mark.django_db
def test_bad_criteria_are_named_not_ignored(records, auditor):
    res = auditor.get("/audit/", {"since": "昨天", "action": "hack"})
    body = res.content.decode()
    assert "开始时间格式不正确" in body and "动作不正确" in body
    assert notes(res) == []
    res = auditor.get("/audit/", {"since": "2026-03-02T00:00", "until": "2026-03-01T00:00"})
    assert "结束时间须晚于开始时间" in res.content.decode() and notes(res) == []


@pytest.mark.django_db
def test_pagination_keeps_the_criteria(auditor):
    center = AuditRecord._meta.get_field("center").related_model.objects.get(code="test")
    AuditRecord.objects.bulk_create(
        [
            AuditRecord(
                staff_no="3001", action="read", channel="api", object_type="customer", object_ids=str(i), center=center
            )
            for i in range(120)
        ]
    )
    AuditRecord.objects.create(
        staff_no="3002", action="read", channel="api", object_type="customer", object_ids="x", center=center
    )
    first = auditor.get("/audit/", {"staff_no": "3001"})
    assert first.context["total"] == 120 and len(first.context["page"].object_list) == 50
    assert "?staff_no=3001&page=2" in first.content.decode()
    last = auditor.get("/audit/", {"staff_no": "3001", "page": "3"})
    assert len(last.context["page"].object_list) == 20


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_auditor_searches_in_chromium(make_staff, page, login, screenshot):
    auditor = make_staff("auditor", staff_no="9002")
    for i in range(60):
        rec(
            "2001" if i % 2 else "2002",
            ["read", "unmask", "export"][i % 3],
            "customer",
            f"{i},{i + 100}",
            datetime(2026, 3, 1, 8, i % 60, tzinfo=TZ),
            f"第{i}次",
        )
    login(auditor)
    page.click("text=审计查询")
    page.fill("#audit-search input[name=staff_no]", "2001")
    page.select_option("#audit-search select[name=action]", "unmask")
    page.click("#audit-search button[type=submit]")
    rows = page.locator("#audit-results tbody tr")
    assert rows.count() == 10  # odd i with i % 3 == 1: 1, 7, 13, ..., 55
    assert "共 10 条" in page.inner_text("main")
    screenshot("audit-search")
    page.goto(page.base_url + "/audit/")
    page.click("#next")
    assert "第 2 / 2 页" in page.inner_text("main")


def test_coded_audit_notes_read_as_their_messages():
    """A write recorded with a message code (and k=v parameters) reads as the message, never as the code."""
    from django.utils import translation

    from kefu.audit.views import note_label

    with translation.override("zh-hans"):
        assert note_label("shop.case.open") == "登记售后"
        assert note_label("shop.import created=3 updated=1") == "导入平台订单：新增 3，更新 1"
        assert note_label("shop.case.accept") == "同意退换"
        assert note_label("审计查询") == "审计查询" and note_label("no.such.code") == "no.such.code"
    with translation.override("en"):
        assert note_label("shop.import created=3 updated=1") == "Platform orders imported: 3 new, 1 updated"
