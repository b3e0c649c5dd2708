"""The calendar admin (issue 12): the warning for a year without holiday data, the CSV entry of a year's arrangement
previewed before saving, and the confirmation of a year."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kefu.workcal import services
from kefu.workcal.models import CalendarOverride, ConfirmedYear

CHANGELIST = "/admin/workcal/calendaroverride/"
ENTRY = "/admin/workcal/calendaroverride/arrangement/"
CONFIRM = "/admin/workcal/calendaroverride/confirm-year/"
WARNING = "2027 年的法定节假日安排尚未录入，期限按普通工作日计算，可能不准确"


@pytest.fixture(autouse=True)
def today_is_2026_12_07(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: date(2026, 12, 7))


@pytest.fixture
def admin_client(make_staff, client_for):
    from django.contrib.auth.models import User

    staff = make_staff("admin")
    User.objects.filter(pk=staff.user_id).update(is_staff=True, is_superuser=True)  # as init_center does
    staff.user.refresh_from_db()
    return client_for(staff)


def test_changelist_warns_until_the_year_is_confirmed(admin_client):
    page = admin_client.get(CHANGELIST).content.decode()
    assert WARNING in page and f"{ENTRY}?year=2027" in page
    admin_client.post(ENTRY, {"year": "2027", "text": "2027-01-01,休,元旦\n", "action": "save", "confirm": "1"})
    assert WARNING not in admin_client.get(CHANGELIST).content.decode()


def test_preview_saves_nothing_then_save_saves_all(admin_client):
    text = "日期,类型,名称\n2027-01-01,休,元旦\n2027-02-06,班,春节调休上班\n"
    res = admin_client.post(ENTRY, {"year": "2027", "text": text, "action": "preview"})
    page = res.content.decode()
    assert res.status_code == 200
    assert "2027-01-01" in page and "2027-02-06" in page and "春节调休上班" in page
    assert "共 2 天：1 天由工作日改为休息日，1 天由休息日改为工作日；2027 年工作日 261 天 → 261 天。" in page
    assert not CalendarOverride.objects.exists() and not ConfirmedYear.objects.exists()
    res = admin_client.post(ENTRY, {"year": "2027", "text": text, "action": "save", "confirm": "1"})
    assert res.status_code == 302 and res.url == CHANGELIST
    assert list(CalendarOverride.objects.values_list("day", "is_working_day", "name")) == [
        (date(2027, 1, 1), False, "元旦"),
        (date(2027, 2, 6), True, "春节调休上班"),
    ]
    assert ConfirmedYear.objects.get().year == 2027
    assert not services.center_calendar().is_working_day(date(2027, 1, 1))


def test_saving_without_confirming_keeps_the_warning(admin_client):
    admin_client.post(ENTRY, {"year": "2027", "text": "2027-01-01,休,元旦\n", "action": "save"})
    assert CalendarOverride.objects.count() == 1 and not ConfirmedYear.objects.exists()
    assert WARNING in admin_client.get(CHANGELIST).content.decode()


def test_bad_lines_are_refused_with_their_numbers(admin_client):
    text = "2027-01-01,休,元旦\n2027-02-30,休,春节\n2027-02-10,假,春节\n"
    for action in ("preview", "save"):
        res = admin_client.post(ENTRY, {"year": "2027", "text": text, "action": action, "confirm": "1"})
        page = res.content.decode()
        assert res.status_code == 400
        assert "第 2 行：日期“2027-02-30”无法识别" in page and "第 3 行：类型“假”无效" in page
        assert 'id="save-form"' not in page
    assert not CalendarOverride.objects.exists() and not ConfirmedYear.objects.exists()


def test_a_gbk_csv_upload_is_previewed(admin_client):
    upload = SimpleUploadedFile(
        "2027.csv", "日期,类型,名称\n2027-01-01,休,元旦\n".encode("gbk"), content_type="text/csv"
    )
    page = admin_client.post(ENTRY, {"year": "2027", "text": "", "action": "preview", "file": upload}).content.decode()
    assert "元旦" in page and 'id="save-form"' in page
    assert not CalendarOverride.objects.exists()


def test_confirming_a_year_needs_its_days_off(admin_client):
    res = admin_client.post(CONFIRM, {"year": "2027"}, follow=True)
    assert "2027 年还没有录入任何放假日" in res.content.decode() and not ConfirmedYear.objects.exists()
    services.set_override(date(2027, 1, 1), is_working_day=False, name="元旦")
    res = admin_client.post(CONFIRM, {"year": "2027"}, follow=True)
    assert "已确认 2027 年的安排" in res.content.decode()
    assert ConfirmedYear.objects.get().year == 2027 and services.center_calendar().is_covered(2027)


def test_only_administrators_may_enter(make_staff, client_for):
    from django.contrib.auth.models import User

    staff = make_staff("supervisor")
    User.objects.filter(pk=staff.user_id).update(is_staff=True)  # in the admin, without the model's permissions
    client = client_for(staff)
    assert client.get(ENTRY).status_code == 403
    assert client.post(CONFIRM, {"year": "2027"}).status_code == 403
    assert client_for(make_staff("agent")).get(ENTRY).status_code == 302  # not staff: to the admin's login


def test_delete_selected_invalidates_the_calendar(admin_client):
    services.set_override(date(2027, 2, 8), is_working_day=False, name="春节")
    assert not services.center_calendar().is_working_day(date(2027, 2, 8))
    ids = [str(pk) for pk in CalendarOverride.objects.values_list("pk", flat=True)]
    admin_client.post(CHANGELIST, {"action": "delete_selected", "_selected_action": ids, "post": "yes"})
    assert not CalendarOverride.objects.exists()
    assert services.center_calendar().is_working_day(date(2027, 2, 8))


def test_the_entry_page_in_english(admin_client):
    admin_client.cookies["django_language"] = "en"
    assert "The 2027 public holidays have not been entered" in admin_client.get(CHANGELIST).content.decode()
    page = admin_client.post(
        ENTRY, {"year": "2027", "text": "2027-01-01,off,New Year\n2027-02-30,off,\n", "action": "preview"}
    ).content.decode()
    assert (
        "Line 2: date &quot;2027-02-30&quot; not understood" in page
        and "Enter a year&#x27;s holiday arrangement" in page
    )
    page = admin_client.post(
        ENTRY, {"year": "2027", "text": "2027-01-01,off,New Year\n", "action": "preview"}
    ).content.decode()
    assert "Preview of the 2027 arrangement (not saved yet)" in page and "Day off" in page
