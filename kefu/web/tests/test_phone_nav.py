"""The top bar at phone width (issue 17 item 5): the menu folds behind one button instead of running off the screen."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


def test_menu_folds_behind_a_button_at_phone_width(make_staff, page, login, screenshot):
    supervisor = make_staff("supervisor", staff_no="4321")
    page.set_viewport_size({"width": 390, "height": 844})
    login(supervisor)
    toggle = page.locator("[data-nav-toggle]")
    assert toggle.is_visible()
    assert not page.locator("#mainnav").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing runs off to the right
    screenshot("nav-390-closed")

    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    links = page.locator("#mainnav a")
    assert links.count() > 5
    for i in range(links.count()):  # every link is on screen without hovering, none cut off at the right edge
        box = links.nth(i).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390, links.nth(i).inner_text()
    assert page.locator("header .me").is_visible()  # staff number and 退出 are reachable too
    screenshot("nav-390-open")

    page.keyboard.press("Escape")
    assert not page.locator("#mainnav").is_visible()
    toggle.click()
    page.locator("#mainnav a", has_text="工单").first.click()
    page.wait_for_load_state()
    assert "/tickets/" in page.url or "/workbench/" in page.url


def test_wide_screen_keeps_the_menu_bar_without_the_button(make_staff, page, login, screenshot):
    supervisor = make_staff("supervisor", staff_no="4321")
    page.set_viewport_size({"width": 1440, "height": 900})
    login(supervisor)
    assert not page.locator("[data-nav-toggle]").is_visible()
    assert page.locator("#mainnav").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 1440  # every menu and 退出 on screen
    assert page.locator("header .me button").bounding_box()["x"] < 1440
    page.hover(".menu:has-text('工单') .menu-title")
    assert page.locator(".menu:has-text('工单') .menu-items a").first.is_visible()
    screenshot("nav-1440")


SELF_SERVICE = [
    ("/attendance/", "请假与换班"),
    ("/roster/", "排班"),
    ("/quality/", "我的质检成绩"),
    ("/quality/scorecard/", None),
    ("/notify/", "通知中心"),
]


@pytest.mark.django_db(transaction=True)
def test_an_agents_self_service_pages_fit_a_phone(page, login, screenshot):
    """My leave and swaps, my roster requests, my QA scores and the scorecard, my notifications: at 390 px nothing runs
    off the page (a wide table scrolls inside its card) and the menu opens."""
    import io
    import random

    from kefu.org import demo as org_demo
    from kefu.org.demo import DEMO_PASSWORD
    from kefu.org.models import Staff

    org_demo.build(None, random.Random(1), io.StringIO())
    login(Staff.objects.get(user__username="agent1"), DEMO_PASSWORD)
    for path, heading in SELF_SERVICE:
        name = "self-" + (path.strip("/").replace("/", "-"))
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto(page.base_url + path)
        if heading:
            assert heading in page.inner_text("h1")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
        screenshot(f"{name}-390")
        page.set_viewport_size({"width": 1440, "height": 900})
        screenshot(f"{name}-1440")
