"""Deadline fixtures of requirements-D §9.1 item 9 (Mon-Fri calendar, March 2024 has no holidays)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from kefu.tickets import selectors, services
from kefu.tickets.models import Order

TZ = ZoneInfo("Asia/Shanghai")
FRI = datetime(2024, 3, 1, 17, 0, tzinfo=TZ)


@pytest.mark.parametrize(
    "level, due",
    [
        (1, datetime(2024, 3, 1, 19, 0, tzinfo=TZ)),  # 004:L1295: 2 h
        (2, datetime(2024, 3, 3, 17, 0, tzinfo=TZ)),  # 004:L1297: 48 clock hours, lands on Sunday
        (3, datetime(2024, 3, 7, 17, 0, tzinfo=TZ)),  # 004:L1298: 4 working days
        (4, datetime(2024, 3, 12, 17, 0, tzinfo=TZ)),  # 004:L1299: 7 working days
    ],
)
def test_level_deadlines_from_friday_evening(org, new_order, level, due):
    order = new_order(level=level, accepted_at=FRI.isoformat())
    assert order.due_at == due


def test_holiday_calendar_moves_working_day_deadlines(org, new_order):
    # 2024-09-29 (Sun) is a make-up working day; 10-01..10-07 National Day holidays (published table).
    accepted = datetime(2024, 9, 27, 10, 0, tzinfo=TZ)  # Friday
    order = new_order(level=3, accepted_at=accepted.isoformat())
    # working days after Fri 27th: Sun 29 (调休), Mon 30, Tue 8 Oct, Wed 9 Oct -> 4th = 10-09
    assert order.due_at == datetime(2024, 10, 9, 10, 0, tzinfo=TZ)


def test_reply_timeliness_k9(org, new_order):
    """004:L1317-1321: a level-3 complaint replied at 2024-03-07 17:01 is not timely; at 17:00 it is."""
    late = new_order(level=3, accepted_at=FRI.isoformat())
    on_time = new_order(level=3, accepted_at=FRI.isoformat(), phone="13900139001")
    for order, replied in (
        (late, datetime(2024, 3, 7, 17, 1, tzinfo=TZ)),
        (on_time, datetime(2024, 3, 7, 17, 0, tzinfo=TZ)),
    ):
        services.transition(
            order, "answer", org.agent, 1, now=replied, reply_opinion="已答复", satisfaction="satisfied"
        )
    rows = {r["id"]: r for r in selectors.kpi_order_rows(org.center, FRI, FRI + timedelta(days=1))}
    assert rows[late.pk]["replied_at"] > rows[late.pk]["reply_due"]
    assert rows[on_time.pk]["replied_at"] <= rows[on_time.pk]["reply_due"]


def test_reply_promise_is_a_second_clock(org, new_order):
    """2 h simple / 24 h complex promise (004:L1247; SPEC Decisions), beside the level clock."""
    simple = new_order(level=4, accepted_at=FRI.isoformat())
    complex_ = new_order(level=4, complexity="complex", accepted_at=FRI.isoformat(), phone="13900139002")
    assert simple.promise_due_at == FRI + timedelta(hours=2)
    assert complex_.promise_due_at == FRI + timedelta(hours=24)
    done = services.transition(
        simple, "answer", org.agent, 1, now=FRI + timedelta(hours=1), reply_opinion="已答复", satisfaction="satisfied"
    )
    assert done.promise_met_at == FRI + timedelta(hours=1) and done.due_met_at == FRI + timedelta(hours=1)


def test_consultation_deadline_is_policy(org, new_order):
    from kefu.org.services import update_policy

    order = new_order(kind="consultation", accepted_at=FRI.isoformat())
    assert order.due_at == FRI + timedelta(hours=24) and order.promise_due_at is None
    update_policy(
        org.center, preset="hotline", overrides={"tickets": {"consultation_reply": {"unit": "hours", "amount": 4}}}
    )
    again = new_order(kind="consultation", accepted_at=FRI.isoformat(), phone="13900139003")
    assert again.due_at == FRI + timedelta(hours=4)


def test_level_policy_override(org, new_order):
    from kefu.org.services import update_policy

    update_policy(
        org.center, preset="hotline", overrides={"tickets": {"levels": {"1": {"unit": "hours", "amount": 1}}}}
    )
    assert new_order(level=1, accepted_at=FRI.isoformat()).due_at == FRI + timedelta(hours=1)


def test_policy_validate_rejects_bad_levels():
    from kefu.org.policy import validate_overrides

    errors = validate_overrides("hotline", {"tickets": {"levels": {"3": {"unit": "working_days", "amount": 2.5}}}})
    assert any("levels.3" in f for f, _ in errors)
    assert validate_overrides("hotline", {"tickets": {"repeat_window_days": 10}}) == []


def test_review_level_change_recomputes_from_acceptance(org, new_order):
    order = new_order(level=1, accepted_at=FRI.isoformat())
    done = services.transition(
        order, "review", org.dispatcher, 1, now=FRI + timedelta(hours=1), review_opinion="跨运营商", level=4
    )
    assert done.due_at == datetime(2024, 3, 12, 17, 0, tzinfo=TZ)
    assert Order.objects.get(pk=order.pk).level == 4
