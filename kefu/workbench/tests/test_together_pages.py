"""Chromium: two agents work an order together — one comments with an @mention, the other is notified, a call
recording is uploaded and plays in the page (every play audited); the customer page shows the caller's whole history,
reached from the order page. Desktop (1440) and phone (390) screenshots."""

from __future__ import annotations

import io
import math
import struct
import wave
from datetime import timedelta

import pytest
from django.utils import timezone

from kefu.audit.models import AuditRecord

DESKTOP = {"width": 1440, "height": 1000}
PHONE = {"width": 390, "height": 844}


def _wav(seconds: float = 1.0, rate: int = 8000) -> bytes:
    """A short 440 Hz tone: a real recording the browser can decode and play."""
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(
            b"".join(
                struct.pack("<h", int(8000 * math.sin(2 * math.pi * 440 * i / rate)))
                for i in range(int(seconds * rate))
            )
        )
    return buf.getvalue()


def _shots(page, screenshot, name):
    page.set_viewport_size(DESKTOP)
    screenshot(name)
    page.set_viewport_size(PHONE)
    screenshot(f"{name}-phone")
    page.set_viewport_size(DESKTOP)


@pytest.fixture
def call(center, make_staff):
    from kefu.followup.models import Task
    from kefu.tickets import services as tickets

    agent = make_staff("agent", staff_no="2001", name="张三")
    colleague = make_staff("senior_agent", staff_no="3001", name="李四")
    order = tickets.create_order(
        center,
        agent,
        {
            "kind": "complaint",
            "phone": "13912345678",
            "customer_name": "王五",
            "subject": "宽带断网三天",
            "description": "家里宽带断网三天了，报修两次没人来",
            "category": "network",
            "level": 2,
        },
    )
    Task.objects.create(
        center=center,
        kind="return_visit",
        reason_code="followup.reason.x",
        customer=order.customer,
        order=order,
        owner=colleague,
        due_at=timezone.now() + timedelta(days=1),
        source="manual",
        created_at=timezone.now(),
    )
    return agent, colleague, order


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_agents_work_an_order_together_in_chromium(call, page, login, screenshot, tmp_path):
    agent, colleague, order = call
    login(agent)
    page.goto(f"{page.base_url}/tickets/orders/{order.pk}/")
    page.click("#together-link")
    page.fill("#tg-text", "@3001 客户第三次来电，情绪激动，请回访时先致歉")
    page.click("#tg-comment-save")
    assert "李四 (3001)" in page.inner_text("#tg-comments")  # notified, named
    recording = tmp_path / "来电录音.wav"
    recording.write_bytes(_wav())
    page.set_input_files("#tg-file", str(recording))
    page.click("#tg-upload")
    assert "来电录音.wav" in page.inner_text("#tg-files")
    before = AuditRecord.objects.filter(object_type="workbench.attachment").count()
    audio = page.locator("#tg-files audio")
    audio.evaluate("a => a.play()")
    page.wait_for_function(
        "() => { const a = document.querySelector('#tg-files audio'); return a.currentTime > 0 || a.ended; }"
    )
    assert AuditRecord.objects.filter(object_type="workbench.attachment").count() > before  # the play is audited
    _shots(page, screenshot, "workbench-together")

    page.click("#tg-customer")
    assert "139****5678" in page.inner_text("main") and "13912345678" not in page.content()
    assert order.number in page.inner_text("#cu-orders") and "李四 (3001)" in page.inner_text("#cu-tasks")
    _shots(page, screenshot, "workbench-customer")

    # the colleague sees the mention in the notification centre and follows it to the order
    from kefu.notify.models import Notification

    note = Notification.objects.get(recipient=colleague, code="workbench.notify.mentioned")
    assert note.link == f"/tickets/orders/{order.pk}/#together"
