"""The shop desk's pages in Chromium as a shop agent, a team lead and an after-sales handler (screenshots at desktop
and phone width under artifacts/screenshots/)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from kefu.scope import scope_of
from kefu.shop import services
from kefu.shop.models import AfterSalesCase, ProblemEntry, ShopOrder

from .test_services import ROWS, csv_of

pytestmark = pytest.mark.browser


@pytest.fixture
def desk(make_staff):
    from kefu.org.models import Department

    agent = make_staff("agent", staff_no="2001", name="小美")
    dept = Department.objects.create(center=agent.center, code="after_sales", name="售后部")
    lead = make_staff("team_lead", staff_no="3001", name="组长")
    handler = make_staff("dept_handler", staff_no="6001", name="售后", department=dept)
    shop = services.create_shop(scope_of(lead), code="mm", name="名美服饰旗舰店", after_sales=dept)
    return {"agent": agent, "lead": lead, "handler": handler, "shop": shop}


def test_agent_imports_confirms_and_remarks_an_order(desk, login, screenshot, tmp_path):  # 003:L21, L48-54, L61
    page = login(desk["agent"])
    page.goto(page.base_url + "/shop/")
    path = tmp_path / "orders.csv"
    path.write_bytes(csv_of(*ROWS))
    page.set_input_files("#import-form input[name=file]", str(path))
    page.click("#import-form button[type=submit]")
    page.wait_for_selector("text=新增 3 单")
    assert page.locator("#orders tbody tr").count() == 3
    screenshot("shop-orders-agent")
    page.click("text=T1002")
    page.fill("#confirm input[name=item_no]", "MM-1001")
    page.fill("#confirm input[name=size]", "M")
    page.fill("#confirm input[name=colour]", "白")
    page.fill("#confirm input[name=quantity]", "2")
    page.select_option("#confirm select[name=logistics]", "申通")
    page.fill("#confirm input[name=contact]", "李先生")
    page.fill("#confirm input[name=address]", "南京市鼓楼区中山路2号")
    page.click("#confirm button[type=submit]")
    page.wait_for_selector("text=联系电话：必须填写")  # the missing phone named (B T5)
    assert ShopOrder.objects.get(order_no="T1002").confirmed_at is None
    page.fill("#confirm input[name=phone]", "13900139000")
    page.fill("#confirm input[name=contact]", "李先生")
    page.fill("#confirm input[name=address]", "南京市鼓楼区中山路2号")
    page.click("#confirm button[type=submit]")
    page.wait_for_selector("text=订单确认表已保存")
    page.select_option("#remark-builder select[name=courier]", "顺丰")
    page.fill("#remark-builder input[name=delay_reason]", "尺码未确认")
    page.fill("#remark-builder input[name=gift]", "小礼品")
    page.fill("#remark-builder input[name=refund]", "5")
    page.click("#remark-builder button[type=submit]")
    page.wait_for_selector("#remark-text")
    assert (
        page.inner_text("#remark-text")
        == "2001号客服、发顺丰快递、由于尺码未确认等确定了再发货(需先填写单号)、赠送小礼品并退还5元钱"
    )
    screenshot("shop-order-agent")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot("shop-order-agent-phone")


def test_handler_moves_a_return_and_lead_sees_commission_and_notebooks(desk, login, screenshot, page):
    agent_scope = scope_of(desk["agent"])
    services.import_orders(agent_scope, shop=desk["shop"], raw=csv_of(*ROWS))
    order = ShopOrder.objects.get(order_no="T1001")
    case = services.open_case(
        agent_scope,
        order,
        data={
            "kind": "return",
            "reason": "quality",
            "received_on": timezone.localdate() - timedelta(days=2),
            "amount": "199",
            "payment_account": "wang@example.com",
        },
    )
    page = login(desk["handler"])
    page.goto(page.base_url + f"/shop/cases/{case.pk}/")
    page.click("button:has-text('同意退换')")
    page.wait_for_selector("text=等待寄回")
    page.goto(page.base_url + "/shop/cases/")
    page.fill("#match-return input[name=buyer_wangwang]", "buyer_a")
    page.fill("#match-return input[name=tracking_no]", "1200458258899")
    page.click("#match-return button[type=submit]")
    page.wait_for_selector("text=退回单号已登记")  # 003:L191-192 (B T10)
    page.click("button:has-text('收到退件')")
    page.wait_for_selector("text=已收到退件")
    page.fill("form:has(button:has-text('退款')) input[name=amount]", "199")
    page.click("button:has-text('退款')")
    page.wait_for_selector("h1 >> text=已退款")
    assert AfterSalesCase.objects.get(pk=case.pk).refunded_amount == 199
    screenshot("shop-case-handler")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot("shop-case-handler-phone")

    entry = services.add_problem(agent_scope, "详情页尺码表与实物不符")
    services.hand_in_week(agent_scope, entry.week)
    services.record_stat(agent_scope, day=timezone.localdate(), served=50, bought=10)
    page.context.clear_cookies()
    page.set_viewport_size({"width": 1400, "height": 900})
    login(desk["lead"])
    page.goto(page.base_url + "/shop/notebooks/")
    assert "20.0%" in page.inner_text("#stats")  # 003:L17 (B T12)
    page.check(f"#consolidate input[value='{entry.pk}']")
    page.fill("#consolidate input[name=note]", "已反馈美工修改")
    page.click("#consolidate button[type=submit]")
    page.wait_for_selector("text=已汇总")
    assert ProblemEntry.objects.get(pk=entry.pk).consolidated_by == desk["lead"]
    assert page.locator("#handover-link").get_attribute("href") == "/shiftlog/"
    screenshot("shop-notebooks-lead")
    page.goto(page.base_url + "/shop/commission/?month=" + timezone.localdate().strftime("%Y-%m"))
    screenshot("shop-commission-lead")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot("shop-commission-lead-phone")
