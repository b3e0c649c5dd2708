"""Satisfaction surveys by SMS (004:L1003): a signed one-time link that expires, a page without login, the result
on the order's timeline, and a dissatisfied answer re-dispatching the order through the tickets machine (004:L2127)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone, translation

from kefu.followup import services, surveys
from kefu.followup.models import Survey
from kefu.notify.models import Outbox
from kefu.tickets.history import event_line


@pytest.fixture
def sent(replied_complaint, people):
    now = replied_complaint.replied_at + timedelta(minutes=5)
    assert services.scan(now)["survey"] == 1
    assert services.scan(now)["survey"] == 0
    survey = Survey.objects.get()
    row = Outbox.objects.get(via="sms")
    url = re.search(r"(/followup/s/[^/]+/)", row.params["url"]).group(1)
    return survey, row, url, now


def test_the_sms_carries_a_signed_link_and_the_expiry(sent, replied_complaint):
    from kefu.audit.models import AuditRecord
    from kefu.notify.services import text_of

    survey, row, url, now = sent
    assert row.address == "13800138000" and row.recipient is None
    text = text_of(row)
    assert text.startswith(f"您反映的问题（工单 {replied_complaint.number}）已答复，请评价我们的服务：")
    assert text.endswith("（72 小时内有效）。回复TD不再接收回访") and url in text
    assert survey.expires_at == now + timedelta(hours=72)
    assert AuditRecord.objects.filter(object_type="customers.customer", note__startswith="满意度调查短信").exists()


def test_satisfied_answer_once_on_the_timeline(sent, replied_complaint):
    survey, _row, url, _now = sent
    client = Client()
    assert "您对处理结果满意吗" in client.get(url).content.decode()
    response = client.post(url, {"answer": "satisfied", "comment": "很好"})
    assert response.status_code == 200 and "感谢您的评价" in response.content.decode()
    survey.refresh_from_db()
    assert (survey.state, survey.answer, survey.comment) == ("answered", "satisfied", "很好")
    event = replied_complaint.events.get(name="survey")
    assert (event.code, event.note_code, event.note, event.by_system) == (
        "followup.survey.event.sms",
        "followup.survey.event.answer",
        "很好",
        True,
    )
    line = event_line(event)
    assert (line["label"], line["note"]) == ("客户满意度调查回评（短信）", "客户评价：满意 · 很好")
    with translation.override("en"):
        line = event_line(event)
    assert (line["label"], line["note"]) == (
        "Customer's satisfaction survey answer (SMS)",
        "Customer's verdict: Satisfied · 很好",
    )
    again = client.post(url, {"answer": "dissatisfied"})
    assert again.status_code == 409 and "评价过" in again.content.decode()
    survey.refresh_from_db()
    assert survey.answer == "satisfied"
    replied_complaint.refresh_from_db()
    assert replied_complaint.state == "replied"


def test_an_expired_link_is_refused_and_changes_nothing(sent):
    survey, _row, url, _now = sent
    token = url.split("/")[3]
    with pytest.raises(Exception) as refused:
        surveys.answer(token, "satisfied", now=survey.expires_at)
    assert refused.value.problems[0].rule == "followup.survey.expired" and "失效" in str(refused.value)
    Survey.objects.filter(pk=survey.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    page = Client().get(url)
    assert page.status_code == 410 and "已于" in page.content.decode()
    survey.refresh_from_db()
    assert survey.state == "sent"


def test_a_forged_link_and_a_bad_answer(sent):
    survey, _row, url, _now = sent
    forged = url[:-3] + ("A" if url[-3] != "A" else "B") + url[-2:]
    assert Client().get(forged).status_code == 404
    response = Client().post(url, {"answer": "meh"})
    assert response.status_code == 400 and "请选择满意或不满意" in response.content.decode()
    survey.refresh_from_db()
    assert survey.state == "sent"


def test_dissatisfied_redispatches_through_the_tickets_machine_004_L2127(sent, replied_complaint, people, center):
    from kefu.org.models import Department
    from kefu.tickets.models import Order

    survey, _row, url, _now = sent
    dept = Department.objects.create(center=center, code="billing", name="计费部")
    Order.objects.filter(pk=replied_complaint.pk).update(department=dept)  # it had been handled by billing
    Client().post(url, {"answer": "dissatisfied", "comment": "钱还没退"})
    replied_complaint.refresh_from_db()
    assert (replied_complaint.state, replied_complaint.satisfaction) == ("processing", "dissatisfied")
    event = replied_complaint.events.get(name="redispatch")
    assert event.staff_no == people["dispatcher"].staff_no
    assert Survey.objects.get().redispatched


def test_dissatisfied_without_a_department_tells_the_dispatcher(sent, replied_complaint, people):
    from kefu.notify.models import Notification

    _survey, _row, url, _now = sent
    Client().post(url, {"answer": "dissatisfied"})
    replied_complaint.refresh_from_db()
    assert replied_complaint.state == "replied"  # the machine refused: no department to send it back to
    assert replied_complaint.events.filter(
        name="survey", params__answer__code="followup.satisfaction.dissatisfied"
    ).exists()
    note = Notification.objects.get(recipient=people["dispatcher"], code="followup.survey.redispatch_by_hand")
    assert note.urgent and note.link == f"/tickets/orders/{replied_complaint.pk}/"


def test_timeline_rows_stored_as_prose_become_codes(replied_complaint, people):
    """Rows written before codes (chases and survey answers as Chinese prose) are converted by the migration."""
    import importlib

    from django.apps import apps

    from kefu.followup.models import Chase
    from kefu.org.models import Department
    from kefu.tickets.models import OrderEvent

    migration = importlib.import_module("kefu.followup.migrations.0005_history_as_data")
    order, at = replied_complaint, replied_complaint.replied_at
    dept = Department.objects.create(center=order.center, code="billing", name="计费部")
    Chase.objects.create(center=order.center, order=order, department=dept, kind="auto", at=at)
    old = dict(order=order, at=at, from_state="replied", to_state="replied")
    auto = OrderEvent.objects.create(name="chase_auto", label="自动催办", staff_no="系统", **old)
    manual = OrderEvent.objects.create(name="chase_chase", label="催办", staff_no="4001", note="请尽快", **old)
    sms = OrderEvent.objects.create(name="survey", label="满意度调查", staff_no="客户", note="不满意：钱还没退", **old)
    ivr = OrderEvent.objects.create(name="survey", label="IVR满意度调查", staff_no="客户", note="满意", **old)
    migration.forwards(apps, None)
    for e in (auto, manual, sms, ivr):
        e.refresh_from_db()
    assert (auto.code, auto.params, auto.by_system, auto.staff_no) == (
        "followup.chase.event.auto",
        {"department": "计费部"},
        True,
        "",
    )
    assert (manual.code, manual.staff_no, manual.note, manual.params) == (
        "followup.chase.event.chase",
        "4001",
        "请尽快",
        {"department": ""},
    )
    assert event_line(sms)["note"] == "客户评价：不满意 · 钱还没退" and event_line(sms)["by"] == "系统"
    with translation.override("en"):
        assert event_line(ivr)["label"] == "Customer's satisfaction survey result (IVR keypad)"
        assert event_line(ivr)["note"] == "Customer's verdict: Satisfied"
