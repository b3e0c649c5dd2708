"""Bad-review cases (phone first, SMS in the night window, suspected professional reviewers; 003:L144, L250-264)
and the after-sales handbook's complaints (6-day closure, 3-day report, monthly review by the 10th; 002:L141-160)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from kefu.errors import NotAllowed, RuleViolation
from kefu.scope import scope_of
from kefu.shop import services
from kefu.shop.models import BadReview, Complaint, ShopOrder

from .test_services import ROWS, csv_of


@pytest.fixture
def desk(make_staff):
    agent = make_staff("agent", staff_no="2001")
    handler = make_staff("dept_handler", staff_no="6001")
    manager = make_staff("manager", staff_no="9001")
    shop = services.create_shop(scope_of(manager), code="mm", name="名美服饰旗舰店")
    services.import_orders(scope_of(agent), shop=shop, raw=csv_of(*ROWS))
    return {
        "agent": agent,
        "handler": handler,
        "manager": manager,
        "shop": shop,
        "order": ShopOrder.objects.get(order_no="T1001"),
    }


def at(hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(
        datetime.combine(timezone.localdate(), datetime.min.time()).replace(hour=hour, minute=minute)
    )


def test_phone_first_then_sms_then_suspected_professional_reviewer(desk):  # 003:L144, L253-256
    scope = scope_of(desk["agent"])
    review = services.open_review(scope, desk["order"], rating="bad", text="质量太差")
    review = services.move_review(scope, review, name="diagnose", cause="unhappy", now=at(11, 30))
    with pytest.raises(RuleViolation) as refused:  # 13:00 is no contact window
        services.move_review(scope, review, name="call_unanswered", now=at(13, 0))
    assert refused.value.problems[0].rule == "shop.review.outside_window"
    review = services.move_review(scope, review, name="call_unanswered", now=at(11, 30))
    with pytest.raises(RuleViolation):  # SMS only in the night shift's window
        services.move_review(scope, review, name="send_sms", now=at(15, 0))
    review = services.move_review(scope, review, name="send_sms", now=at(20, 30))
    review = services.move_review(scope, review, name="no_reply", now=at(20, 50))
    assert review.state == "suspected_pro"  # 003:L256 职业差评师
    with pytest.raises(RuleViolation):  # compensation above what was paid
        services.move_review(scope, review, name="offer", amount="500", now=at(20, 55))
    review = services.move_review(scope, review, name="offer", amount="20", now=at(20, 55))
    review = services.move_review(scope, review, name="agree", now=at(20, 58))
    review = services.move_review(scope, review, name="revised")
    assert (review.state, review.cause, str(review.compensation)) == ("revised", "unhappy", "20.00")
    assert [e.code.rsplit(".", 1)[-1] for e in review.events.order_by("id")] == [
        "opened",
        "diagnose",
        "call_unanswered",
        "send_sms",
        "no_reply",
        "offer",
        "agree",
        "revised",
    ]


def test_bad_review_refusals(desk):  # 003:L253 find the cause first
    scope = scope_of(desk["agent"])
    with pytest.raises(RuleViolation):
        services.open_review(scope, desk["order"], rating="good", text="")
    review = services.open_review(scope, desk["order"], rating="mid", text="一般")
    with pytest.raises(RuleViolation) as refused:
        services.move_review(scope, review, name="call_answered", now=at(11, 0))
    assert refused.value.problems[0].rule == "workflow.wrong_state"
    with pytest.raises(RuleViolation) as refused:
        services.move_review(scope, review, name="diagnose", cause="weather")
    assert refused.value.problems[0].rule == "common.not_a_choice"
    assert BadReview.objects.get(pk=review.pk).state == "new"


def test_complaint_intake_fields_are_checked(desk):  # 002:L121-125, L139
    scope = scope_of(desk["handler"])
    with pytest.raises(RuleViolation) as refused:
        services.open_complaint(
            scope, shop=desk["shop"], data={"specification": "", "quantity": "x", "request": "", "order_no": "NOPE"}
        )
    assert {p.field for p in refused.value.problems} == {"specification", "request", "quantity", "order_no"}
    with pytest.raises(RuleViolation) as refused:
        services.open_complaint(
            scope,
            shop=desk["shop"],
            data={"specification": "L", "quantity": "2", "defective_quantity": "3", "request": "退货"},
        )
    assert refused.value.problems[0].rule == "shop.complaint.defective"
    assert Complaint.objects.count() == 0


def test_complaint_due_days_overdue_and_monthly_review(desk):  # 002:L141, L148, L160 (B T26)
    scope, manager = scope_of(desk["handler"]), scope_of(desk["manager"])
    complaint = services.open_complaint(
        scope,
        shop=desk["shop"],
        data={
            "order_no": "T1001",
            "batch_no": "B2026-11",
            "specification": "L 藏青",
            "quantity": "1",
            "defective_quantity": "1",
            "sample_attached": True,
            "request": "开线，要求退货",
        },
    )
    accepted = complaint.accepted_on
    info = services.complaint_deadlines(complaint, accepted)
    assert (info["close_due"], info["overdue"], info["report_due"]) == (accepted + timedelta(days=6), False, None)
    assert services.complaint_deadlines(complaint, accepted + timedelta(days=7))["overdue"]
    complaint = services.move_complaint(scope, complaint, name="investigate")
    info = services.complaint_deadlines(complaint, complaint.investigated_on + timedelta(days=4))
    assert info["report_due"] == complaint.investigated_on + timedelta(days=3) and info["report_late"]
    complaint = services.move_complaint(scope, complaint, name="report", report="缝线工序漏检")
    complaint = services.move_complaint(scope, complaint, name="close", result="退货退款")
    with pytest.raises(NotAllowed):  # only the manager reviews (for the GM office, 002:L160)
        services.move_complaint(scope, complaint, name="review")
    due, listed = services.monthly_review(manager, complaint.closed_on)
    assert complaint in listed and due == date(
        complaint.closed_on.year + (complaint.closed_on.month == 12), complaint.closed_on.month % 12 + 1, 10
    )
    assert services.move_complaint(manager, complaint, name="review").state == "reviewed"
