"""Chromium: an agent records a caller's refusal on the task page, the refusals page lists it masked and takes a
withdrawal with its reason; the customer refuses on the survey page; the campaign's owner releases a held customer.
Desktop (1440) and phone (390)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

DESK = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}


def _both(page, screenshot, name):
    page.set_viewport_size(DESK)
    screenshot(name)
    page.set_viewport_size(PHONE)
    screenshot(name + "-phone")
    page.set_viewport_size(DESK)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_refusal_recorded_listed_and_withdrawn(center, make_staff, page, login, screenshot):
    from kefu.followup import services
    from kefu.followup.models import OptOut, Task
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
    services.scan(order.replied_at + timedelta(minutes=1))
    task = Task.objects.get(kind="return_visit")
    page.goto(page.base_url + "/login/", timeout=120_000)  # the live server's first page, on a loaded machine
    login(agent)
    page.goto(page.base_url + f"/followup/t/{task.pk}/")
    page.fill("#optout-form input[name=note]", "客户说处理满意，不必再打来")
    page.click("#optout-form button[type=submit]")
    assert "已登记：客户拒绝回访" in page.inner_text(".messages")
    assert "拒绝回访（来电时告知座席）" in page.inner_text("#task-refusal")
    assert not page.locator("#close-form select option[value=refused][disabled]").count()  # closable now
    _both(page, screenshot, "followup-task-refused")
    page.goto(page.base_url + "/followup/optouts/")
    assert "138****5678" in page.inner_text("#optouts") and "13812345678" not in page.content()
    page.click(".withdraw-form button[type=submit]")
    assert "撤销原因：必须填写" in page.inner_text(".messages")
    _both(page, screenshot, "followup-optouts")
    page.fill(".withdraw-form input[name=reason]", "客户来电同意再回访")
    page.click(".withdraw-form button[type=submit]")
    assert "已撤销拒绝回访" in page.inner_text(".messages")
    assert page.locator("#no-optouts").count() == 1
    assert OptOut.objects.get().withdraw_reason == "客户来电同意再回访"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_customer_refuses_on_the_survey_page(center, make_staff, page, screenshot):
    from kefu.followup import services
    from kefu.followup.models import OptOut
    from kefu.notify.models import Outbox
    from kefu.tickets import services as tickets

    agent = make_staff("agent", staff_no="2102")
    order = tickets.create_order(
        center,
        agent,
        {
            "kind": "complaint",
            "phone": "13812345678",
            "customer_name": "张三",
            "subject": "话费多扣",
            "description": "多扣50元",
            "category": "tariff",
            "level": 2,
        },
    )
    order = tickets.transition(order, "answer", agent, order.version, reply_opinion="已退还", satisfaction="satisfied")
    services.scan(order.last_replied_at + timedelta(minutes=1))
    url = re.search(r"(/followup/s/[^/]+/)", Outbox.objects.get(via="sms").params["url"]).group(1)
    page.goto(page.base_url + url)
    _both(page, screenshot, "followup-survey-optout")
    page.click("#survey-optout-form button")
    assert "不会再为回访、满意度调查或外呼联系您" in page.inner_text("#survey-opted-out")
    assert OptOut.objects.get().channel == "survey_page"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_owner_releases_a_held_customer(center, make_staff, page, login, screenshot):
    from kefu.customers.services import upsert_customer
    from kefu.followup import campaigns
    from kefu.followup.models import CampaignTarget
    from kefu.scope import scope_of

    owner, agent = make_staff("supervisor", staff_no="5101"), make_staff("agent", staff_no="2103")
    c = campaigns.create(
        scope_of(owner), {"name": "宽带续约", "questionnaire": [{"text": "续约吗", "scale": ["是", "否"]}]}
    )
    people = [upsert_customer(center, phone=f"1390000000{n}", name=f"客户{n}") for n in (1, 2)]
    campaigns.add_selection(scope_of(owner), c.pk, {"customer_ids": [p.pk for p in people]})
    held = campaigns.take_next(scope_of(agent), c.pk)
    login(owner)
    page.goto(page.base_url + f"/followup/campaigns/{c.pk}/")
    assert "2103" in page.inner_text("#held-targets")
    page.fill(f"#held-{held.pk} input[name=reason]", "座席已下班")
    _both(page, screenshot, "followup-campaign-held")
    page.click(f"#held-{held.pk} button[type=submit]")
    assert "已释放" in page.inner_text(".messages")
    assert page.locator("#held").count() == 0
    assert CampaignTarget.objects.get(pk=held.pk).holder is None
