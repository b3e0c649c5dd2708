"""Chromium: the demo agent takes a call on the workbench with the keyboard, the knowledge panel answers as the
subject and description are typed, a standard phrase goes into the reply with the caller's surname, the phrase check
warns about 抱歉久等 (004:L1805) and 不归我们管 (004:L1851), the agent saves anyway (004:L2011 answered at once), QA
finds the record; the order is found by number, phone and words. Desktop (1440) and phone (390) screenshots."""

from __future__ import annotations

import io
import random
import shutil
from datetime import timedelta

import pytest
from django.utils import timezone

DESKTOP = {"width": 1440, "height": 1000}
PHONE = {"width": 390, "height": 844}


def _copy(path, name):
    shutil.copy(path, f"/tmp/{name}.png")


def _demo():
    from kefu.knowledge import demo as knowledge_demo
    from kefu.org import demo as org_demo

    center = org_demo.build(None, random.Random(1), io.StringIO())
    knowledge_demo.build(center, random.Random(1), io.StringIO())
    return center


def _shots(page, screenshot, name):
    page.set_viewport_size(DESKTOP)
    _copy(screenshot(f"{name}"), name)
    page.set_viewport_size(PHONE)
    _copy(screenshot(f"{name}-phone"), f"{name}-phone")
    page.set_viewport_size(DESKTOP)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_call_on_one_page_with_the_keyboard(page, login, screenshot):
    from kefu.followup import services as followup
    from kefu.org.demo import DEMO_PASSWORD
    from kefu.org.models import Staff
    from kefu.scope import scope_of
    from kefu.tickets import services as tickets
    from kefu.tickets.models import Order
    from kefu.workbench.models import PhraseOverride

    page.set_default_timeout(60000)  # a shared, loaded machine: patience, not timing, is what is tested
    center = _demo()
    agent = Staff.objects.get(user__username="agent1")
    earlier = tickets.create_order(
        center,
        agent,
        {
            "kind": "complaint",
            "phone": "13812345678",
            "customer_name": "张伟",
            "subject": "话费多扣",
            "description": "本月话费比上月多扣了50元",
            "category": "tariff",
            "level": 2,
        },
    )
    followup.create_task(
        scope_of(agent),
        data={
            "kind": "callback",
            "reason": "回电告知退费结果",
            "phone": "13812345678",
            "due_at": timezone.now() + timedelta(hours=3),
        },
    )

    login(agent, DEMO_PASSWORD)
    page.goto(page.base_url + "/workbench/")
    assert "Alt+S" in page.inner_text("#wb-keys")  # the shortcuts are listed on the page
    page.keyboard.press("Alt+A")  # take the call
    assert page.evaluate("document.activeElement.id") == "wb-phone" and page.is_visible("#wb-clock")
    page.keyboard.type("13812345678")
    page.wait_for_selector("#wb-profile")
    pop = page.inner_text("#wb-pop")
    assert "138****5678" in pop and earlier.number in pop and "13812345678" not in page.inner_text("#wb-pop")
    assert "预约回呼" in page.inner_text("#wb-callbacks")
    page.locator("#wb-phrase-list .wb-phrase[data-code=apology_calm]", has_text="张先生/小姐").wait_for()

    page.keyboard.press("Alt+2")
    page.keyboard.type("交费后未开机")
    page.keyboard.press("Alt+3")
    page.keyboard.type("客户反映已交费但手机仍未开通，要求尽快开机")
    page.locator("#wb-answers", has_text="交费后未开机的处理").wait_for()  # the knowledge panel answered

    page.keyboard.press("Alt+4")
    page.keyboard.type("抱歉久等，这个不归我们管。")
    page.keyboard.press("Alt+P")  # the phrase list: arrow down to 平息怒气 and insert it where the cursor was
    page.locator(".wb-phrase[data-code=apology_calm]").click()
    reply = page.input_value("#wb-reply")
    assert reply == "抱歉久等，这个不归我们管。张先生/小姐，我非常抱歉。"
    page.wait_for_selector("#wb-check-hits")
    hits = page.inner_text("#wb-check-hits")
    assert "非常感谢您的耐心等待" in hits and "有专人负责，我帮您转过去" in hits
    page.select_option("#wb-satisfaction", "satisfied")
    _shots(page, screenshot, "workbench-call")

    page.keyboard.press("Alt+S")
    page.wait_for_selector("#wb-warning")
    assert "抱歉久等" in page.inner_text("#wb-warning") and Order.objects.count() == 1  # nothing saved yet
    _shots(page, screenshot, "workbench-warning")
    page.keyboard.press("Alt+S")  # save anyway: recorded for QA
    page.wait_for_selector(".messages li.success")
    order = Order.objects.exclude(pk=earlier.pk).get()
    assert order.state == "replied" and order.reply_opinion == reply and order.subject == "交费后未开机"
    assert order.number in page.inner_text(".messages")
    record = PhraseOverride.objects.get()
    assert (record.staff, record.order, record.field) == (agent, order, "reply")
    assert page.input_value("#wb-phone") == ""  # ready for the next call

    page.goto(page.base_url + "/workbench/search/?q=" + order.number)
    assert page.locator("#wb-results tbody tr").count() == 1
    page.fill("#wb-q", "138 1234 5678")
    with page.expect_navigation():  # a plain GET form: wait for the new page, not the one being left
        page.click("#wb-search-form button[type=submit]")
    assert page.locator("#wb-results tbody tr").count() == 2 and "13812345678" not in page.inner_text("#wb-results")
    page.fill("#wb-q", "未开机")
    with page.expect_navigation():  # a plain GET form: wait for the new page, not the one being left
        page.click("#wb-search-form button[type=submit]")
    assert order.number in page.inner_text("#wb-results") and earlier.number not in page.inner_text("#wb-results")
    page.fill(".wb-save-view input[name=name]", "未开机工单")
    with page.expect_navigation():
        page.click(".wb-save-view button")
    assert "未开机工单" in page.inner_text(".wb-views")
    _shots(page, screenshot, "workbench-search")
    page.fill("#wb-q", "费")
    with page.expect_navigation():  # a plain GET form: wait for the new page, not the one being left
        page.click("#wb-search-form button[type=submit]")
    assert "至少两个字" in page.inner_text("#wb-errors")

    page.context.clear_cookies()
    login(Staff.objects.get(user__username="qa1"), DEMO_PASSWORD)
    page.goto(page.base_url + "/workbench/overrides/")
    table = page.inner_text("#wb-overrides")
    assert order.number in table and agent.staff_no in table and "不归我们管" in table
    _shots(page, screenshot, "workbench-overrides")
