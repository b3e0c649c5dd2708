"""A 12345 center in Chromium: the agent files an order under one of the quiz's categories, the dispatcher finds the
routed bureau already chosen in the dispatch form (004:L33 street lights → 住建局) and its time limit is set."""

import pytest

from kefu.org import services as org_services
from kefu.org.models import Department

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "x-Pass-12345"


def test_gov12345_order_routed_to_its_bureau(page, login, screenshot):
    center = org_services.create_center("sn12345", "遂宁12345", preset="gov12345")
    for code, name in [("env", "环保局"), ("housing", "住建局"), ("transport", "交运局")]:
        Department.objects.create(center=center, code=code, name=name)
    agent, dispatcher = (
        org_services.create_staff(
            center, staff_no=no, name=f"员工{no}", roles=[role], username=f"g{no}", password=PASSWORD
        )
        for role, no in (("agent", "1201"), ("dispatcher", "1401"))
    )
    login(agent, PASSWORD)
    page.goto(page.base_url + "/tickets/")
    assert page.locator("select[name=kind] option[value=appeal]").count() == 0  # 12345 takes no telecom appeals
    page.fill("#phone", "13800138000")
    page.select_option("select[name=kind]", "complaint")
    page.select_option("select[name=category]", "street_lights")
    page.fill("input[name=subject]", "滨江路路灯不亮")
    page.fill("textarea[name=description]", "滨江路路灯不亮，影响市民出行")
    for width in (1440, 390):
        page.set_viewport_size({"width": width, "height": 900})
        screenshot(f"tickets-gov12345-workspace-{width}")
    page.set_viewport_size({"width": 1440, "height": 900})
    page.click("#new-order button[type=submit]")
    page.wait_for_url("**/tickets/orders/*/")
    assert "路灯不亮" in page.inner_text("main")
    detail_url = page.url
    page.click("header button.link")
    login(dispatcher, PASSWORD)
    page.goto(detail_url)
    page.fill("[data-transition=review] input[name=review_opinion]", "属实")
    page.click("[data-transition=review] button[type=submit]")
    page.wait_for_selector("[data-transition=dispatch]")
    chosen = page.locator("[data-transition=dispatch] select[name=department]").input_value()
    assert chosen == "housing"  # the routed bureau, preselected (004:L33)
    assert "5个工作日" in page.inner_text("[data-transition=dispatch] .route-hint")
    for width in (1440, 390):
        page.set_viewport_size({"width": width, "height": 900})
        screenshot(f"tickets-gov12345-dispatch-{width}")
    page.set_viewport_size({"width": 1440, "height": 900})
    page.fill("[data-transition=dispatch] input[name=dispatch_opinion]", "请住建局处理")
    page.click("[data-transition=dispatch] button[type=submit]")
    page.wait_for_selector("text=部门时限")
    assert "住建局" in page.inner_text("main")
