"""Issue 13: history rows stored as prose before codes are turned into code + parameters by migration 0002, and then
read in the reader's language like new rows (no prose parsed when shown)."""

import importlib

import pytest
from django.apps import apps
from django.utils import translation

from kefu.tickets import history
from kefu.tickets.models import OrderEvent

pytestmark = pytest.mark.django_db
migration = importlib.import_module("kefu.tickets.migrations.0002_event_codes")


def test_old_prose_rows_become_codes(new_order):
    order = new_order()
    base = {"order": order, "at": order.accepted_at, "from_state": "processing", "to_state": "processing"}
    old = [
        OrderEvent(name="overdue", label="超时", staff_no="系统", note="已超过时限 2026-11-08 03:45", **base),
        OrderEvent(name="remind", label="催办", staff_no="系统", note="提醒 处理部门：即将到期", **base),
        OrderEvent(name="escalate", label="超时上报主管领导", staff_no="系统", note="上报 8001（004:L2181）", **base),
        OrderEvent(name="compensation", label="申请赔偿", staff_no="系统", note="200 元，待总经理审批", **base),
        OrderEvent(name="compensation", label="赔偿审批", staff_no="系统", note="已批准：200 元", **base),
        OrderEvent(name="resolve", label="处理完成", staff_no="8002", note="已电话联系客户", **base),
        OrderEvent(name="chase_chase", label="催办", staff_no="4001", note="客户来电催问", **base),
    ]
    OrderEvent.objects.bulk_create(old)
    migration.forwards(apps, None)
    rows = list(OrderEvent.objects.filter(order=order).exclude(name="accept").order_by("id"))
    assert [(e.code, e.note_code, e.by_system) for e in rows] == [
        ("tickets.event.overdue", "tickets.event.overdue_note", True),
        ("tickets.event.remind", "tickets.event.remind_note", True),
        ("tickets.event.escalate2", "tickets.event.escalate_note", True),
        ("tickets.event.compensation_requested", "tickets.event.compensation_requested_note", True),
        ("tickets.event.compensation_decided", "tickets.event.compensation_decided_note", True),
        ("tickets.order.transition.resolve", "", False),
        ("tickets.event.legacy", "", False),
    ]
    assert rows[2].params == {"to": "8001"}  # the seed line left the text staff read
    assert rows[5].note == "已电话联系客户" and rows[6].note == "客户来电催问"  # what people typed is kept
    with translation.override("en"):
        shown = [(history.event_title(e), history.event_note(e)) for e in rows]
    assert shown == [
        ("Overdue", "Deadline passed (2026-11-08 03:45)"),
        ("Reminder", "Reminded Resolver department: due soon"),
        ("Escalated to executive (overdue)", "Escalated to 8001"),
        ("Compensation requested", "CNY 200, awaiting approval by General manager"),
        ("Compensation decided", "Approved: CNY 200"),
        ("Mark resolved", "已电话联系客户"),
        ("Reminder", "客户来电催问"),  # an old title that is a known label is shown translated
    ]
    migration.forwards(apps, None)  # run twice: nothing changes
    assert [
        (e.code, e.params) for e in OrderEvent.objects.filter(order=order).exclude(name="accept").order_by("id")
    ] == [(e.code, e.params) for e in rows]
