"""The pages in Chromium: accept, dispatch, process, reply, archive; queues with countdowns; the board."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_order_lifecycle_through_the_pages(org, new_order, page, login, screenshot):
    new_order(subject="上月宽带断网", category="network", phone="13800138000")  # history for the screen pop
    # --- agent: new order with screen pop (004:L2017)
    login(org.agent)
    page.goto(page.base_url + "/tickets/")
    page.fill("#phone", "13800138000")
    page.wait_for_selector("#pop-profile")
    assert "138****8000" in page.inner_text("#pop") and "上月宽带断网" in page.inner_text("#pop-recent")
    page.select_option("select[name=kind]", "complaint")
    page.select_option("select[name=category]", "tariff")
    page.select_option("select[name=level]", "2")
    page.fill("input[name=subject]", "话费多扣50元")
    page.fill("textarea[name=description]", "本月账单多扣50元，要求退还")
    screenshot("tickets-workspace")
    page.click("#new-order button[type=submit]")
    page.wait_for_url("**/tickets/orders/*/")
    assert "已受理工单" in page.inner_text("main") and "已受理" in page.inner_text("#state")
    detail_url = page.url
    page.click("header button.link")  # log out
    # --- dispatcher: queue with countdown, review, dispatch (opinion required, 004:L2077)
    login(org.dispatcher)
    page.goto(page.base_url + "/tickets/dispatch/")
    assert "话费多扣50元" in page.inner_text("main")
    expect(page.locator(".countdown").first).to_have_text(
        re.compile(r"^剩余")
    )  # the CSP forbids wait_for_function's eval
    screenshot("tickets-dispatch-queue")
    page.goto(detail_url)
    page.fill("[data-transition=review] input[name=review_opinion]", "有效投诉")
    page.click("[data-transition=review] button[type=submit]")
    page.wait_for_selector("text=已复核待派单")
    page.click("[data-transition=dispatch] button[type=submit]")  # no opinion
    assert "派单必须填写派送意见" in page.inner_text("[data-transition=dispatch]")
    screenshot("tickets-detail-error")
    page.fill("[data-transition=dispatch] input[name=dispatch_opinion]", "请核查计费")
    page.click("[data-transition=dispatch] button[type=submit]")
    page.wait_for_selector("#state:has-text('处理中')")
    assert "计费结算部" in page.inner_text("main")  # flow template: tariff -> billing (004:L2075)
    page.click("header button.link")
    # --- department handler: queue and resolve
    login(org.handler)
    page.goto(page.base_url + "/tickets/department/")
    assert "话费多扣50元" in page.inner_text("main")
    screenshot("tickets-department-queue")
    page.click("text=话费多扣50元 >> xpath=../td[1]/a") if False else page.goto(detail_url)
    page.fill("[data-transition=resolve] textarea[name=result]", "已退还50元")
    page.fill("[data-transition=resolve] input[name=cause]", "计费系统重复扣费")
    page.click("[data-transition=resolve] button[type=submit]")
    page.wait_for_selector("#state:has-text('已处理待回复')")
    page.click("header button.link")
    # --- agent replies with satisfaction (004:L2117)
    login(org.agent)
    page.goto(detail_url)
    page.fill("[data-transition=reply] textarea[name=reply_opinion]", "已告知客户退费到账")
    page.select_option("[data-transition=reply] select[name=satisfaction]", "satisfied")
    page.click("[data-transition=reply] button[type=submit]")
    page.wait_for_selector("#state:has-text('已回复')")
    page.click("header button.link")
    # --- dispatcher archives into the case library (004:L2171)
    login(org.dispatcher)
    page.goto(detail_url)
    page.fill("[data-transition=archive] textarea[name=analysis]", "计费系统缺陷导致重复扣费")
    page.check("[data-transition=archive] input[name=is_typical]")
    page.fill("[data-transition=archive] input[name=case_title]", "重复扣费退费案例")
    page.click("[data-transition=archive] button[type=submit]")
    page.wait_for_selector("#state:has-text('已归档')")
    timeline = page.inner_text("#timeline")
    for label in ("受理", "复核", "派单", "处理完成", "回复客户", "归档"):
        assert label in timeline
    assert "工号 4001" in timeline and "工号 8002" in timeline
    assert "004:" not in page.inner_text("main")  # seed lines stay in the code
    screenshot("tickets-detail-archived")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot("tickets-detail-archived-phone")
    page.set_viewport_size({"width": 1400, "height": 900})
    page.goto(page.base_url + "/tickets/cases/")
    assert "重复扣费退费案例" in page.inner_text("main")
    screenshot("tickets-cases")


def test_board_and_overdue_countdown(org, new_order, fire, page, login, screenshot):
    from kefu.tickets import services
    from kefu.tickets.models import Order

    for level in (1, 2, 3, 4, 1):
        order = new_order(level=level, phone=f"1380013800{level}")
        fire(order, "review", org.dispatcher, review_opinion="有效")
        fire(order, "dispatch", org.dispatcher, dispatch_opinion="请处理", department="billing")
    late = Order.objects.filter(level=1).first()
    Order.objects.filter(pk=late.pk).update(
        accepted_at=timezone.now() - timedelta(hours=3), due_at=timezone.now() - timedelta(hours=1)
    )
    services.scan_deadlines()
    login(org.supervisor)
    page.goto(page.base_url + "/tickets/board/")
    page.wait_for_selector("#board-chart canvas")
    table = page.inner_text("#board-table")
    assert "处理中" in table
    processing_row = page.locator("#board-table tr", has_text="处理中").inner_text()
    assert "5" in processing_row and "(1)" in processing_row
    page.wait_for_selector(".countdown.overdue")
    assert page.inner_text(".countdown.overdue").startswith("超时")
    screenshot("tickets-board")
    page.goto(page.base_url + f"/tickets/department/?department={org.depts['billing'].pk}")
    page.wait_for_selector(".countdown.overdue")
    assert page.locator(".countdown").count() == 5
    screenshot("tickets-department-supervisor")


def test_unmask_button_and_validation_errors(org, new_order, page, login, screenshot):
    order = new_order(customer_name="李四")
    login(org.senior)
    page.goto(page.base_url + f"/tickets/orders/{order.pk}/")
    assert "138****8000" in page.inner_text("#customer")
    page.click("#unmask-btn")
    page.wait_for_selector("#unmasked")
    assert "13800138000" in page.inner_text("#customer") and "李四" in page.inner_text("#customer")
    page.goto(page.base_url + "/tickets/")
    page.fill("#phone", "12")
    page.fill("input[name=subject]", "测试")
    page.click("#new-order button[type=submit]")
    errors = page.inner_text("#form-errors")
    assert "电话号码格式不正确" in errors and "请填写事件描述" in errors
    page.check("#all-busy")
    assert page.locator("#busy-options input[type=radio]").count() == 2  # 004:L2021
    screenshot("tickets-workspace-errors")
