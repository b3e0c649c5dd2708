"""Chromium: write and sign as the outgoing agent, countersign as the incoming one, see the carried-over item."""

import pytest
from django.utils import timezone


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_write_sign_countersign_and_carry_over_004_L663(center, make_staff, page, login, screenshot):
    outgoing = make_staff("agent", staff_no="1101")
    incoming = make_staff("agent", staff_no="1102")
    make_staff("agent", staff_no="1103")
    supervisor = make_staff("supervisor", staff_no="1901")

    # the outgoing agent writes the diary (004:L663)
    login(outgoing)
    page.goto(page.base_url + "/shiftlog/")
    page.fill("#start-form input[name=incoming_no]", "1102")
    page.fill("#start-form textarea[name=equipment_state]", "话务系统正常；5号机台耳机有杂音已报修")
    page.fill("#start-form textarea[name=notes]", "明日起宽带新资费生效，请先看公告")
    page.click("#start-form button[type=submit]")
    page.wait_for_url("**/shiftlog/h/*/")
    page.select_option("#add-item select[name=kind]", "order")
    page.fill("#add-item input[name=text]", "用户投诉宽带断网，待网络部回复")
    page.fill("#add-item input[name=order_ref]", "TS20260302001")
    page.click("#add-item button[type=submit]")
    page.select_option("#add-item select[name=kind]", "equipment")
    page.fill("#add-item input[name=text]", "5号机台耳机杂音")
    page.click("#add-item button[type=submit]")
    page.select_option("#add-item select[name=kind]", "callback")
    page.fill("#add-item input[name=text]", "话费退还到账后回电告知")
    page.fill("#add-item input[name=customer_phone]", "13812345678")
    page.fill("#add-item input[name=customer_name]", "张三")
    page.fill("#add-item input[name=due_at]", timezone.localtime().strftime("%Y-%m-%dT23:30"))
    page.click("#add-item button[type=submit]")
    assert "138****5678" in page.inner_text("#items") and "13812345678" not in page.content()
    screenshot("shiftlog-draft")
    page.click("#sign-out")
    assert "已交班签字" in page.inner_text("#state")
    assert "工号 1101" in page.inner_text("#signed-out")
    page.click("text=退出")

    # the incoming agent countersigns, then closes one item
    login(incoming)
    page.goto(page.base_url + "/shiftlog/")
    assert "1101" in page.inner_text("#to-countersign")
    screenshot("shiftlog-mine-incoming")
    page.click("#to-countersign >> text=查看并签字")
    page.click("#countersign")
    assert "已接班签字" in page.inner_text("#state") and "工号 1102" in page.inner_text("#countersigned")
    screenshot("shiftlog-countersigned")
    page.goto(page.base_url + "/shiftlog/")
    row = page.locator("#open-items tr", has_text="5号机台耳机杂音")
    row.locator("input[name=note]").fill("已更换耳机")
    row.locator("button").click()
    assert "事项已关闭" in page.inner_text(".messages")

    # next handover: the two open items are carried in automatically, the closed one is not
    page.fill("#start-form input[name=incoming_no]", "1103")
    page.fill("#start-form textarea[name=equipment_state]", "正常")
    page.click("#start-form button[type=submit]")
    page.wait_for_url("**/shiftlog/h/*/")
    items = page.inner_text("#items")
    assert items.count("上班遗留") == 2
    assert "用户投诉宽带断网" in items and "话费退还到账后回电告知" in items and "5号机台耳机杂音" not in items
    screenshot("shiftlog-carried-over")
    page.click("text=退出")

    # the supervisor sees the open items of the whole center
    login(supervisor)
    page.goto(page.base_url + "/shiftlog/supervise/")
    assert "用户投诉宽带断网" in page.inner_text("#center-items")
    screenshot("shiftlog-supervise")
