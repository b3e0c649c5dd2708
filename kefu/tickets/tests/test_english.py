"""Work-order pages in English (issue #2): workspace, screen pop, queues, board, detail, history, case library.
What people typed, department names and the masked customer stay as entered."""

from datetime import UTC

import pytest

from kefu.tickets.models import Order
from kefu.web.tests.english import assert_english, english

pytestmark = pytest.mark.django_db
TYPED = (
    "张*",
    "话费多扣",
    "本月话费比上月多扣了50元，要求核查",
    "有效投诉",
    "请核查扣费",
    "计费结算部",
    "网络维护部",
    "市场经营部",
    "后台受理组",
    "省客服中心",
    "已退还50元",
    "计费系统重复扣费",
)


def test_agent_workspace_in_english(org, client_for):
    agent = english(client_for(org.agent))
    assert_english(
        agent.get("/tickets/"),
        "Agent workspace",
        "New work order",
        "Caller number",
        "Complaint category",
        "Simple (reply within 2 hours)",
        "All agents busy",
        "Voicemail intake",
        "Scheduled callback",
        "No work orders",
        "First-contact ownership",
        user_data=TYPED,
    )
    r = agent.post(
        "/tickets/",
        {
            "kind": "complaint",
            "phone": "13800138000",
            "customer_name": "张三",
            "subject": TYPED[1],
            "description": TYPED[2],
            "category": "tariff",
            "level": "2",
        },
        follow=True,
    )
    html = assert_english(r, "logged", "Complaint", "Billing", "Level 2", "History", "Log", user_data=TYPED)
    assert "Regular customer" in html
    assert_english(
        agent.get("/tickets/screen-pop/", {"phone": "13800138000"}),
        "Customer type",
        "Recent work orders",
        "Logged",
        user_data=TYPED,
    )
    assert_english(agent.get("/tickets/screen-pop/", {"phone": "1"}), "The number is incomplete or invalid.")


def test_dispatch_and_board_in_english(org, new_order, fire, client_for):
    order = new_order()
    dispatcher = english(client_for(org.dispatcher))
    assert_english(
        dispatcher.get("/tickets/dispatch/"), "Dispatch queue", "All", "Logged", "sorted by stage", user_data=TYPED
    )
    html = assert_english(
        dispatcher.get(f"/tickets/orders/{order.pk}/"),
        "Available actions",
        "Review",
        "Review comments",
        "Cancel as invalid",
        user_data=TYPED,
    )
    assert "004:" not in html and "Per 00" not in html  # seed lines stay in code and tests, not on staff pages
    r = dispatcher.post(
        f"/tickets/orders/{order.pk}/fire/",
        {"name": "review", "version": order.version, "review_opinion": TYPED[3]},
        follow=True,
    )
    assert_english(
        r,
        "Review done: work order",
        "is now “Reviewed, awaiting dispatch”",
        "Dispatch instructions",
        "Per workflow template",
        user_data=TYPED,
    )
    fire(order, "dispatch", org.dispatcher, dispatch_opinion=TYPED[4], department="billing")
    handler = english(client_for(org.handler))
    assert_english(handler.get("/tickets/department/"), "Department work orders", "In progress", user_data=TYPED)
    fire(order, "resolve", org.handler, result=TYPED[10], cause=TYPED[11])
    html = assert_english(
        dispatcher.get(f"/tickets/orders/{order.pk}/"),
        "Resolved, awaiting reply",
        "Mark resolved",
        "Root cause: ",
        "Reviewed, awaiting dispatch → In progress",
        user_data=TYPED,
    )
    supervisor = english(client_for(org.supervisor))
    html = assert_english(
        supervisor.get("/tickets/board/"),
        "Work order board",
        "Status × level",
        "Level 1",
        "Total",
        "Overdue open work orders (0)",
        user_data=TYPED,
    )
    assert '"label": "Resolved, awaiting reply"' in html  # the chart's categories
    assert_english(
        supervisor.get("/tickets/cases/", {"q": "扣费"}), "Case library", "No cases found.", user_data=("扣费",)
    )


def test_chinese_pages_unchanged(org, new_order, client_for):
    order = new_order()
    html = client_for(org.dispatcher).get(f"/tickets/orders/{order.pk}/").content.decode()
    assert "可执行操作" in html and "已受理" in html and "复核意见" in html and "2级" in html and "Review" not in html
    assert Order.objects.count() == 1


def test_history_lines_in_the_readers_language():
    """History rows are stored as code + parameters and rendered when shown: the same row reads Chinese or English,
    times in local time, labels inside them translated, no seed line (004:L2181 stays in the code)."""
    from datetime import datetime

    from django.utils import translation

    from kefu.tickets import history
    from kefu.tickets.models import OrderEvent

    rows = [
        OrderEvent(
            name="overdue",
            code="tickets.event.overdue",
            note_code="tickets.event.overdue_note",
            by_system=True,
            params={"deadline_at": datetime(2026, 11, 7, 19, 45, tzinfo=UTC).isoformat()},
        ),
        OrderEvent(
            name="remind",
            code="tickets.event.remind",
            note_code="tickets.event.remind_note",
            by_system=True,
            params={"to": {"code": "tickets.event.remind_department", "params": {}}},
        ),
        OrderEvent(
            name="escalate",
            code="tickets.event.escalate1",
            note_code="tickets.event.escalate_note",
            by_system=True,
            params={"to": "8001"},
        ),
        OrderEvent(
            name="compensation",
            code="tickets.event.compensation_requested",
            staff_no="1001",
            note_code="tickets.event.compensation_requested_note",
            params={"amount": "200", "approver": {"code": "tickets.approver.gm", "params": {}}},
        ),
        OrderEvent(
            name="review",
            code="tickets.order.transition.review",
            staff_no="1002",
            note="客户来电催问",
            from_state="accepted",
            to_state="reviewed",
            fields={"level": 3, "complainant_type": "key_account"},
        ),
    ]
    with translation.override("en"):
        lines = [history.event_line(e) for e in rows]
        assert [(x["label"], x["note"], x["by"]) for x in lines] == [
            ("Overdue", "Deadline passed (2026-11-08 03:45)", "System"),
            ("Reminder", "Reminded Resolver department: due soon", "System"),
            ("Escalated to department head (overdue)", "Escalated to 8001", "System"),
            ("Compensation requested", "CNY 200, awaiting approval by General manager", "Staff no. 1001"),
            ("Review", "客户来电催问", "Staff no. 1002"),
        ]
        assert lines[4]["fields"] == [("Complaint level", "Level 3"), ("Complainant type", "Key account")]
        assert (lines[4]["from_label"], lines[4]["to_label"]) == ("Logged", "Reviewed, awaiting dispatch")
    with translation.override("zh-hans"):
        lines = [history.event_line(e) for e in rows]
        assert [(x["label"], x["note"], x["by"]) for x in lines] == [
            ("超时", "已超过时限 2026-11-08 03:45", "系统"),
            ("催办", "提醒 处理部门：即将到期", "系统"),
            ("超时上报部门领导", "上报 8001", "系统"),
            ("申请赔偿", "200 元，待总经理审批", "工号 1001"),
            ("复核", "客户来电催问", "工号 1002"),
        ]
