"""English in a real Chromium (issue #2): the selector switches the language; the pages keep their layout."""

import pytest

pytestmark = pytest.mark.browser


def test_switch_to_english_and_open_pages(make_staff, page, login, screenshot):
    make_staff("agent", staff_no="7801")
    supervisor = make_staff("supervisor", "manager", staff_no="7802")
    login(supervisor)
    assert "值班长" in page.inner_text("header")
    with page.expect_navigation():
        page.select_option("footer select[name=language]", "en")
    header = page.inner_text("header")
    assert "Log out" in header and "Shift supervisor" in header and "Work orders" in header
    screenshot("en-home")
    page.hover(".menu:has-text('Calls & KPIs') .menu-title")
    assert page.locator(".menu:has-text('Calls & KPIs') .menu-items a", has_text="KPI dashboard").is_visible()
    screenshot("en-menu-kpi")

    page.goto(page.base_url + "/tickets/")
    main = page.inner_text("main")
    assert "Agent workspace" in main and "Caller number" in main and "All agents busy" in main
    page.fill("#phone", "13800138000")
    page.wait_for_selector("#pop-new")
    assert "New customer: no history." in page.inner_text("#pop")
    screenshot("en-tickets-workspace")

    page.goto(page.base_url + "/kpi/")
    main = page.inner_text("main")
    assert "KPI dashboard" in main and "Service level" in main and "Abandonment rate" in main
    screenshot("en-kpi-dashboard")

    page.goto(page.base_url + "/shiftlog/")
    main = page.inner_text("main")
    assert "My handovers" in main and "Write a handover log" in main
    screenshot("en-shiftlog-mine")

    page.goto(page.base_url + "/attendance/sheet/")
    assert "Monthly attendance sheet" in page.inner_text("main")
    screenshot("en-attendance-sheet")

    # Back to Chinese with the same selector.
    with page.expect_navigation():
        page.select_option("footer select[name=language]", "zh-hans")
    assert "月度考勤表" in page.inner_text("main")
