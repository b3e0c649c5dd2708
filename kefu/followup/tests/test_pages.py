"""Chromium: the agent's callback queue sorted by due time, a task with the customer's history, failed attempts up
to the closure of 002:L259; the notification centre with its unread count and mark-all-read. Desktop and phone."""

from __future__ import annotations

import shutil
from datetime import timedelta

import pytest
from django.utils import timezone

PHONE = {"width": 390, "height": 844}


def _copy(path, name):
    shutil.copy(path, f"/tmp/{name}.png")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_callback_queue_attempts_and_closure_002_L259(center, make_staff, page, login, screenshot):
    from kefu.followup import services
    from kefu.followup.models import Task
    from kefu.scope import scope_of
    from kefu.tickets import services as tickets

    agent = make_staff("agent", staff_no="2101")
    order = tickets.create_order(
        center,
        agent,
        {
            "kind": "complaint",
            "phone": "13812345678",
            "customer_name": "张三",
            "subject": "宽带断网",
            "description": "宽带三天断网",
            "category": "network",
            "level": 2,
        },
    )
    order = tickets.transition(
        order, "answer", agent, order.version, reply_opinion="已派员修复", satisfaction="satisfied"
    )
    services.scan()
    scope = scope_of(agent)
    services.create_task(
        scope,
        data={
            "kind": "callback",
            "reason": "查询后回电告知积分",
            "phone": "13900001111",
            "due_at": timezone.now() + timedelta(hours=100),
        },
    )
    services.create_task(
        scope,
        data={
            "kind": "callback",
            "reason": "确认退费到账",
            "phone": "13900002222",
            "due_at": timezone.now() + timedelta(hours=1),
        },
    )

    login(agent)
    page.goto(page.base_url + "/followup/")
    reasons = page.locator("#queue tbody tr td:nth-child(3)").all_inner_texts()
    assert reasons[0] == "确认退费到账" and reasons[-1] == "查询后回电告知积分"  # by due time
    assert "138****5678" in page.inner_text("#queue") and "13812345678" not in page.content()
    _copy(screenshot("followup-queue"), "followup-queue")
    page.set_viewport_size(PHONE)
    _copy(screenshot("followup-queue-phone"), "followup-queue-phone")
    page.set_viewport_size({"width": 1400, "height": 900})

    # a past due time by hand is refused in Chinese and nothing is added
    page.fill("#create-form input[name=reason]", "回电")
    page.fill("#create-form input[name=phone]", "13900003333")
    page.fill("#create-form input[name=due_at]", "2020-01-01T10:00")
    page.click("#create-form button[type=submit]")
    assert "已经过去" in page.inner_text(".messages")
    assert Task.objects.count() == 3

    # the return visit: history one click away, three failed tries, then closable as unreachable
    page.goto(page.base_url + "/followup/")
    page.click(f"#queue >> text={order.number}")
    assert order.number in page.inner_text("#history")
    for outcome in ("no_answer", "busy", "powered_off"):
        page.select_option("#attempt-form select[name=outcome]", outcome)
        page.click("#attempt-form button[type=submit]")
        assert "已保存" in page.inner_text(".messages")
    assert page.locator("#attempts tbody tr").count() == 3
    page.select_option("#close-form select[name=closure]", "unreachable")
    page.fill("#close-form input[name=note]", "三次未接通")
    page.click("#close-form button[type=submit]")
    assert "已结案" in page.inner_text("#task-state")
    _copy(screenshot("followup-task-closed"), "followup-task-closed")
    page.set_viewport_size(PHONE)
    _copy(screenshot("followup-task-phone"), "followup-task-phone")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_notification_centre_unread_and_mark_all_read(center, make_staff, page, login, screenshot):
    from kefu.notify.services import notify

    agent = make_staff("agent", staff_no="2102")
    notify(
        [agent],
        "followup.notify.overdue",
        key="p1",
        urgent=True,
        link="/followup/",
        params={"kind": {"code": "followup.kind.return_visit"}, "reason": "工单 GD001 回访", "due_at": timezone.now()},
    )
    notify([agent], "notify.test", key="p2", params={"channel": "邮件"})
    login(agent)
    page.goto(page.base_url + "/notify/")
    assert "2 条未读" in page.inner_text("#unread-count")
    assert "紧急" in page.inner_text("#notifications")
    _copy(screenshot("notify-centre"), "notify-centre")
    page.set_viewport_size(PHONE)
    _copy(screenshot("notify-centre-phone"), "notify-centre-phone")
    page.set_viewport_size({"width": 1400, "height": 900})
    page.fill("#preference-form input[name=mobile]", "12345")
    page.click("#preference-form button[type=submit]")
    assert "不是 11 位手机号码" in page.inner_text(".messages")
    page.goto(page.base_url + "/notify/")
    page.click("#read-all")
    assert "0 条未读" in page.inner_text("#unread-count")
    page.click("#notifications >> text=查看")
    page.wait_for_url("**/followup/")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_survey_page_on_a_phone_without_login(center, make_staff, page, screenshot):
    from kefu.followup import services
    from kefu.followup.models import Survey
    from kefu.followup.surveys import token_for
    from kefu.tickets import services as tickets

    agent = make_staff("agent", staff_no="2103")
    order = tickets.create_order(
        center,
        agent,
        {"kind": "consultation", "phone": "13812340000", "subject": "套餐咨询", "description": "问套餐", "level": 2},
    )
    tickets.transition(order, "answer", agent, order.version, reply_opinion="已解答", satisfaction="satisfied")
    services.scan()
    url = page.base_url + f"/followup/s/{token_for(Survey.objects.get())}/"
    page.set_viewport_size(PHONE)
    page.goto(url)
    assert order.number in page.inner_text("#survey-form") or order.number in page.content()
    _copy(screenshot("followup-survey-phone"), "followup-survey-phone")
    page.check("input[value=satisfied]")
    page.fill("textarea[name=comment]", "解答清楚")
    page.click("#survey-form button[type=submit]")
    assert "感谢您的评价" in page.inner_text("#survey-thanks")
    page.goto(url)
    assert "评价过" in page.inner_text("#survey-closed")
