"""The administrator enters 2027's arrangement in Chromium: the calendar page warns, a bad line is refused with its
number, the preview shows the changes, confirming saves them and ends the warning (issue 12)."""

from __future__ import annotations

from datetime import date

import pytest

WARNING = "2027 年的法定节假日安排尚未录入，期限按普通工作日计算，可能不准确"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_admin_previews_and_confirms_2027(make_staff, page, login, screenshot, monkeypatch):
    from django.contrib.auth.models import User

    from kefu.workcal import services
    from kefu.workcal.models import CalendarOverride, ConfirmedYear

    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: date(2026, 12, 7))
    admin = make_staff("admin", staff_no="9001")
    User.objects.filter(pk=admin.user_id).update(is_staff=True, is_superuser=True)  # as init_center does
    login(admin)
    page.goto(page.base_url + "/admin/workcal/calendaroverride/")
    assert WARNING in page.inner_text("#year-warnings")
    page.screenshot(path="/tmp/workcal-changelist-warning.png", full_page=True)
    page.click("text=录入 2027 年安排")
    assert page.input_value("#id_year") == "2027"

    page.fill("#id_text", "日期,类型,名称\n2027-01-01,休,元旦\n2027-02-30,休,春节\n")
    page.click("#preview-btn")
    assert "第 3 行：日期“2027-02-30”无法识别" in page.inner_text("#problems")
    assert page.locator("#save-form").count() == 0

    page.fill("#id_text", "日期,类型,名称\n2027-01-01,休,元旦\n2027-02-06,班,春节调休上班\n2027-02-08,休,春节\n")
    page.click("#preview-btn")
    page.wait_for_selector("#preview-table")
    assert page.locator("#preview-table tbody tr").count() == 3
    assert page.locator("#preview-table tbody tr.changed").count() == 3
    assert "2027 年工作日 261 天 → 260 天" in page.inner_text("#summary")
    assert not CalendarOverride.objects.exists()
    screenshot("workcal-arrangement-preview")
    page.screenshot(path="/tmp/workcal-preview-desktop.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path="/tmp/workcal-preview-phone.png", full_page=True)
    page.set_viewport_size({"width": 1400, "height": 900})

    page.click("#save-btn")
    page.wait_for_url("**/admin/workcal/calendaroverride/")
    assert "已保存 2027 年的放假调休安排，并确认该年安排已完整录入" in page.inner_text(".messagelist")
    assert page.locator("#year-warnings").count() == 0
    page.screenshot(path="/tmp/workcal-after-save.png", full_page=True)
    assert CalendarOverride.objects.count() == 3 and ConfirmedYear.objects.get().year == 2027
    assert not services.center_calendar().is_working_day(date(2027, 1, 1))


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_order_page_warns_the_dispatcher_in_both_languages(make_staff, page, login):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from kefu.tickets import services

    dispatcher, agent = make_staff("dispatcher", staff_no="4001"), make_staff("agent", staff_no="2001")
    when = datetime(2026, 12, 28, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
    order = services.create_order(
        agent.center,
        agent,
        {
            "kind": "complaint",
            "phone": "13800138000",
            "subject": "话费多扣",
            "description": "本月多扣50元",
            "category": "tariff",
            "level": 3,
            "accepted_at": when.isoformat(),
        },
        now=when,
    )
    login(dispatcher)
    page.goto(f"{page.base_url}/tickets/orders/{order.pk}/")
    assert page.inner_text(".deadline-warning") == WARNING
    page.screenshot(path="/tmp/workcal-order-desktop.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path="/tmp/workcal-order-phone.png", full_page=True)
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": page.base_url}])
    page.reload()
    assert page.inner_text(".deadline-warning").startswith("The 2027 public holidays have not been entered")
