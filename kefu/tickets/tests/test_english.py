"""Work-order pages in English (issue #2): workspace, screen pop, queues, board, detail, history, case library.
What people typed, department names and the masked customer stay as entered."""
import pytest

from kefu.tickets.models import Order
from kefu.web.tests.english import assert_english, english

pytestmark = pytest.mark.django_db
TYPED = ("张*", "话费多扣", "本月话费比上月多扣了50元，要求核查", "有效投诉", "请核查扣费", "计费结算部", "网络维护部", "市场经营部",
         "后台受理组", "省客服中心", "已退还50元", "计费系统重复扣费")


def test_agent_workspace_in_english(org, client_for):
    agent = english(client_for(org.agent))
    assert_english(agent.get("/tickets/"), "Agent workspace", "New work order", "Caller number", "Complaint category",
                   "Simple (reply within 2 hours)", "All agents busy", "Voicemail intake", "Scheduled callback", "No work orders",
                   "First-contact ownership", user_data=TYPED)
    r = agent.post("/tickets/", {"kind": "complaint", "phone": "13800138000", "customer_name": "张三", "subject": TYPED[1],
                                 "description": TYPED[2], "category": "tariff", "level": "2"}, follow=True)
    html = assert_english(r, "logged", "Complaint", "Billing", "Level 2", "History", "Log", user_data=TYPED)
    assert "Regular customer" in html
    assert_english(agent.get("/tickets/screen-pop/", {"phone": "13800138000"}), "Customer type", "Recent work orders", "Logged",
                   user_data=TYPED)
    assert_english(agent.get("/tickets/screen-pop/", {"phone": "1"}), "The number is incomplete or invalid.")


def test_dispatch_and_board_in_english(org, new_order, fire, client_for):
    order = new_order()
    dispatcher = english(client_for(org.dispatcher))
    assert_english(dispatcher.get("/tickets/dispatch/"), "Dispatch queue", "All", "Logged", "sorted by stage", user_data=TYPED)
    html = assert_english(dispatcher.get(f"/tickets/orders/{order.pk}/"), "Available actions", "Review", "Review comments",
                          "Cancel as invalid", user_data=TYPED)
    assert "Per 004:" in html
    r = dispatcher.post(f"/tickets/orders/{order.pk}/fire/", {"name": "review", "version": order.version,
                                                               "review_opinion": TYPED[3]}, follow=True)
    assert_english(r, "Review done: work order", "is now “Reviewed, awaiting dispatch”", "Dispatch instructions",
                   "Per workflow template", user_data=TYPED)
    fire(order, "dispatch", org.dispatcher, dispatch_opinion=TYPED[4], department="billing")
    handler = english(client_for(org.handler))
    assert_english(handler.get("/tickets/department/"), "Department work orders", "In progress", user_data=TYPED)
    fire(order, "resolve", org.handler, result=TYPED[10], cause=TYPED[11])
    html = assert_english(dispatcher.get(f"/tickets/orders/{order.pk}/"), "Resolved, awaiting reply", "Mark resolved",
                          "Root cause: ", "Reviewed, awaiting dispatch → In progress", user_data=TYPED)
    supervisor = english(client_for(org.supervisor))
    html = assert_english(supervisor.get("/tickets/board/"), "Work order board", "Status × level", "Level 1", "Total",
                          "Overdue open work orders (0)", user_data=TYPED)
    assert '"label": "Resolved, awaiting reply"' in html  # the chart's categories
    assert_english(supervisor.get("/tickets/cases/", {"q": "扣费"}), "Case library", "No cases found.", user_data=("扣费",))


def test_chinese_pages_unchanged(org, new_order, client_for):
    order = new_order()
    html = client_for(org.dispatcher).get(f"/tickets/orders/{order.pk}/").content.decode()
    assert "可执行操作" in html and "已受理" in html and "复核意见" in html and "2级" in html and "Review" not in html
    assert Order.objects.count() == 1


def test_history_notes_in_english():  # the notes services write for overdue, reminders, escalation, compensation
    from django.utils import translation

    from kefu.tickets.views import _note

    with translation.override("en"):
        assert _note("已超过时限 2026-11-08 03:45") == "Deadline passed (2026-11-08 03:45)"
        assert _note("提醒 处理部门：即将到期") == "Reminded Resolver department: due soon"
        assert _note("上报 8001（004:L2181）") == "Escalated to 8001 (004:L2181)"
        assert _note("200 元，待总经理审批") == "CNY 200, awaiting approval by General manager"
        assert _note("客户来电催问") == "客户来电催问"
    with translation.override("zh-hans"):
        assert _note("已超过时限 2026-11-08 03:45") == "已超过时限 2026-11-08 03:45"
