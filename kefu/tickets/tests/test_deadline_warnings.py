"""A resolution deadline counted across a year without holiday data says so (issue 12): in the API answers that
return the deadline and on the order page of dispatchers and supervisors, until the year is entered."""

from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

from kefu.tickets import services

SH = ZoneInfo("Asia/Shanghai")
WARNING = "2027 年的法定节假日安排尚未录入，期限按普通工作日计算，可能不准确"
BODY = {
    "kind": "complaint",
    "phone": "13800138000",
    "customer_name": "张三",
    "subject": "话费多扣",
    "description": "本月多扣50元",
    "category": "tariff",
}


def accepted(org, when: datetime, level: int):
    return services.create_order(
        org.center, org.agent, {**BODY, "level": level, "accepted_at": when.isoformat()}, now=when
    )


def test_detail_api_warns_for_a_working_day_deadline_into_2027(org, client_for):
    crossing = accepted(org, datetime(2026, 12, 28, 10, tzinfo=SH), 3)  # 4 working days: 29, 30, 31, 2027-01-01
    within = accepted(org, datetime(2026, 12, 1, 10, tzinfo=SH), 3)
    hours = accepted(org, datetime(2026, 12, 31, 10, tzinfo=SH), 2)  # 48 clock hours read no calendar
    client = client_for(org.dispatcher)
    body = client.get(f"/api/tickets/orders/{crossing.pk}").json()
    assert datetime.fromisoformat(body["due_at"]) == datetime(2027, 1, 1, 10, tzinfo=SH)
    assert body["deadline_warnings"] == [
        {"code": "workcal.year_not_covered", "params": {"year": 2027}, "message": WARNING}
    ]
    assert client.get(f"/api/tickets/orders/{within.pk}").json()["deadline_warnings"] == []
    assert client.get(f"/api/tickets/orders/{hours.pk}").json()["deadline_warnings"] == []


def test_transition_answer_carries_the_warning_of_a_recomputed_deadline(org, client_for):
    order = accepted(org, datetime(2026, 12, 28, 10, tzinfo=SH), 2)
    res = client_for(org.dispatcher).post(
        f"/api/tickets/orders/{order.pk}/transitions",
        json.dumps({"name": "review", "version": order.version, "review_opinion": "有效", "level": 3}),
        content_type="application/json",
    )
    assert res.status_code == 200, res.content
    assert datetime.fromisoformat(res.json()["due_at"]) == datetime(2027, 1, 1, 10, tzinfo=SH)
    assert [w["message"] for w in res.json()["deadline_warnings"]] == [WARNING]


def test_entering_2027_ends_the_warning_and_moves_new_deadlines(org, client_for):
    from kefu.workcal import years

    before = accepted(org, datetime(2026, 12, 28, 10, tzinfo=SH), 3)
    years.save_arrangement("2027-01-01,休,元旦\n", 2027, org.admin.user)
    after = accepted(org, datetime(2026, 12, 28, 11, tzinfo=SH), 3)
    assert after.due_at == datetime(2027, 1, 4, 11, tzinfo=SH)
    client = client_for(org.dispatcher)
    assert client.get(f"/api/tickets/orders/{after.pk}").json()["deadline_warnings"] == []
    # The order accepted before keeps the deadline it was given; it no longer warns of 2027 but of the change.
    assert client.get(f"/api/tickets/orders/{before.pk}").json()["deadline_warnings"] == [
        {
            "code": "workcal.deadline_outdated",
            "params": {"due": "2027-01-04 10:00"},
            "message": "工作日历在此期限算出后已调整：按现在的日历，期限应为 2027-01-04 10:00，请核对",
        }
    ]


def test_order_page_shows_the_warning_to_dispatchers_and_supervisors(org, client_for):
    order = accepted(org, datetime(2026, 12, 28, 10, tzinfo=SH), 3)
    for staff in (org.dispatcher, org.supervisor):
        page = client_for(staff).get(f"/tickets/orders/{order.pk}/").content.decode()
        assert WARNING in page
    assert WARNING not in client_for(org.agent).get(f"/tickets/orders/{order.pk}/").content.decode()
    english = client_for(org.dispatcher)
    english.cookies["django_language"] = "en"
    assert "2027 public holidays have not been entered" in english.get(f"/tickets/orders/{order.pk}/").content.decode()
