"""Deadlines past chinese-calendar's last year (issue 12): the calendar knows the years it covers, a deadline
counted across another year warns, and an administrator's arrangement of the year ends the warning."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest

from kefu.errors import RuleViolation
from kefu.workcal import arrangement, services, years
from kefu.workcal.calendar import MON_FRI, WorkCalendar
from kefu.workcal.deadlines import (
    DEADLINE_OUTDATED,
    YEAR_NOT_COVERED,
    DeadlineRule,
    DeadlineWarning,
    due_at,
    due_warnings,
)
from kefu.workcal.models import CalendarOverride, ConfirmedYear

SH = ZoneInfo("Asia/Shanghai")
L2, L3 = DeadlineRule("hours", 48), DeadlineRule("working_days", 4)
NEW_YEAR_2027 = "日期,类型,名称\n2027-01-01,休,元旦\n"


def at(y, m, d, hh=0, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=SH)


# --- pure -------------------------------------------------------------------------------------------


def test_a_hand_written_calendar_covers_every_year():
    assert MON_FRI.is_covered(2099) and MON_FRI.uncovered_years(date(2026, 1, 1), date(2030, 1, 1)) == []


def test_uncovered_years_of_a_span():
    cal = WorkCalendar(covered_years=frozenset({2025, 2026}))
    assert cal.uncovered_years(date(2026, 12, 28), date(2028, 1, 3)) == [2027, 2028]
    assert cal.with_overrides({date(2027, 1, 1): False}).covered_years == cal.covered_years


def test_working_day_deadline_into_an_uncovered_year_warns():
    cal = WorkCalendar(covered_years=frozenset({2026}))
    accepted = at(2026, 12, 28, 10)
    due = due_at(accepted, L3, cal)
    assert due == at(2027, 1, 1, 10)  # 2027-01-01 counted as an ordinary Friday
    assert due_warnings(accepted, due, L3, cal) == [DeadlineWarning(YEAR_NOT_COVERED, {"year": 2027})]


def test_deadline_within_a_covered_year_and_clock_hours_do_not_warn():
    cal = WorkCalendar(covered_years=frozenset({2026}))
    assert due_warnings(at(2026, 12, 1, 10), due_at(at(2026, 12, 1, 10), L3, cal), L3, cal) == []
    assert due_warnings(at(2026, 12, 31, 10), due_at(at(2026, 12, 31, 10), L2, cal), L2, cal) == []


def test_a_deadline_counted_on_an_older_calendar_says_what_it_would_be_now():
    old = WorkCalendar(covered_years=frozenset({2026}))
    accepted = at(2026, 12, 28, 10)
    stored = due_at(accepted, L3, old)
    new = WorkCalendar(holidays=frozenset({date(2027, 1, 1)}), covered_years=frozenset({2026, 2027}))
    assert due_warnings(accepted, stored, L3, new) == [DeadlineWarning(DEADLINE_OUTDATED, {"due": "2027-01-04 10:00"})]
    assert due_warnings(accepted, due_at(accepted, L3, new), L3, new) == []


def test_parse_reads_days_and_skips_the_header():
    days, problems = arrangement.parse("日期,类型,名称\n2027-01-01,休,元旦\n\n2027/2/7,班,春节调休上班\n", 2027)
    assert problems == []
    assert [(d.line, d.day, d.working, d.name) for d in days] == [
        (2, date(2027, 1, 1), False, "元旦"),
        (4, date(2027, 2, 7), True, "春节调休上班"),
    ]


def test_parse_names_every_bad_line():
    text = (
        "日期,类型,名称\n"
        "2027-01-01,休,元旦\n"  # 2: fine
        "2027-13-01,休,春节\n"  # 3: no such date
        "2027-02-08,放,春节\n"  # 4: bad kind
        "2027-01-01,班\n"  # 5: duplicate of line 2
        "2028-01-01,休,元旦\n"  # 6: another year
        "2027-05-01\n"  # 7: one column
        f"2027-10-01,休,{'国' * 51}\n"
    )  # 8: name too long
    days, problems = arrangement.parse(text, 2027)
    assert [(p.code.rsplit(".", 1)[-1], p.params["line"]) for p in problems] == [
        ("date", 3),
        ("kind", 4),
        ("duplicate", 5),
        ("date_range", 6),
        ("columns", 7),
        ("name_length", 8),
    ]
    assert problems[2].params["first"] == 2


def test_gbk_upload_is_read():
    assert arrangement.decode("2027-01-01,休,元旦\n".encode("gbk")) == "2027-01-01,休,元旦\n"
    assert arrangement.decode("\ufeff2027-01-01,休,元旦\n".encode()) == "2027-01-01,休,元旦\n"


def test_preview_shows_the_working_day_changes():
    cal = WorkCalendar(covered_years=frozenset({2026}))
    days, _ = arrangement.parse("2027-01-01,休,元旦\n2027-02-06,班,春节调休上班\n2027-01-02,休,元旦\n", 2027)
    result = arrangement.preview(cal, 2027, days)
    assert [(c.day, c.working_before, c.working_after, c.changed) for c in result.days] == [
        (date(2027, 1, 1), True, False, True),
        (date(2027, 1, 2), False, False, False),
        (date(2027, 2, 6), False, True, True),
    ]
    assert (result.to_off, result.to_working) == (1, 1)
    assert result.working_days_before == result.working_days_after == 261


# --- the center's calendar -------------------------------------------------------------------------------


def test_published_years_are_those_chinese_calendar_accepts():
    span = services.published_years()
    assert 2026 in span
    chinese_calendar.is_workday(date(span[-1], 12, 31))
    chinese_calendar.is_workday(date(span[0], 1, 1))
    for outside in (date(span[-1] + 1, 1, 4), date(span[0] - 1, 12, 31)):
        with pytest.raises(NotImplementedError):
            chinese_calendar.is_workday(outside)


def test_center_calendar_warns_past_the_published_years_until_confirmed(db, make_staff):
    admin = make_staff("admin")
    accepted = at(2026, 12, 28, 10)
    due = due_at(accepted, L3, services.center_calendar())
    assert due == at(2027, 1, 1, 10)
    assert years.deadline_warnings(accepted, due, L3) == [DeadlineWarning(YEAR_NOT_COVERED, {"year": 2027})]
    assert years.deadline_warnings(at(2026, 12, 1, 10), at(2026, 12, 7, 10), L3) == []

    years.save_arrangement(NEW_YEAR_2027, 2027, admin.user)

    due = due_at(accepted, L3, services.center_calendar())
    assert due == at(2027, 1, 4, 10)  # 2027-01-01 is now a day off
    assert years.deadline_warnings(accepted, due, L3) == []
    row = ConfirmedYear.objects.get()
    assert (row.year, row.confirmed_by) == (2027, admin.user)


def test_bad_lines_save_nothing(db, make_staff):
    admin = make_staff("admin")
    with pytest.raises(RuleViolation) as caught:
        years.save_arrangement("2027-01-01,休,元旦\n2027-02-30,休,春节\n2027-02-10,假,春节\n", 2027, admin.user)
    messages = [p.message for p in caught.value.problems]
    assert messages == [
        "第 2 行：日期“2027-02-30”无法识别，应写成 2027-01-01 这样的格式",
        "第 3 行：类型“假”无效，应为“休”（放假）或“班”（调休上班）",
    ]
    assert not CalendarOverride.objects.exists() and not ConfirmedYear.objects.exists()


def test_saving_the_same_arrangement_twice_changes_nothing(db, make_staff):
    first, second = make_staff("admin"), make_staff("admin")
    text = NEW_YEAR_2027 + "2027-02-06,班,春节调休上班\n"
    years.save_arrangement(text, 2027, first.user)
    before = list(CalendarOverride.objects.values_list("day", "is_working_day", "name"))
    years.save_arrangement(text, 2027, second.user)
    assert list(CalendarOverride.objects.values_list("day", "is_working_day", "name")) == before
    assert list(ConfirmedYear.objects.values_list("year", "confirmed_by")) == [(2027, first.user.pk)]


def test_a_year_with_no_day_off_cannot_be_confirmed(db, make_staff):
    admin = make_staff("admin")
    with pytest.raises(RuleViolation) as caught:
        years.confirm_year(2027, admin.user)
    assert caught.value.problems[0].field == "year"
    assert "2027 年还没有录入任何放假日" in caught.value.problems[0].message
    assert not ConfirmedYear.objects.exists()
    services.set_override(date(2027, 1, 1), is_working_day=False, name="元旦")
    years.confirm_year(2027, admin.user)
    assert services.center_calendar().is_covered(2027)
    years.withdraw_confirmation(2027)
    assert not services.center_calendar().is_covered(2027)


def test_years_needing_attention(db):
    assert years.years_needing_attention(date(2026, 12, 7)) == [2027]
    assert years.years_needing_attention(date(2025, 3, 1)) == []
    services.set_override(date(2028, 1, 3), is_working_day=False, name="")
    assert years.years_needing_attention(date(2025, 3, 1)) == [2028]


def test_due_api_carries_the_warning(db, make_staff, client_for):
    agent = make_staff("agent")
    res = client_for(agent).get(
        "/api/workcal/due", {"accepted": "2026-12-28T10:00:00+08:00", "unit": "working_days", "amount": 4}
    )
    assert res.status_code == 200
    assert res.json()["deadline_warnings"] == [
        {
            "code": "workcal.year_not_covered",
            "params": {"year": 2027},
            "message": "2027 年的法定节假日安排尚未录入，期限按普通工作日计算，可能不准确",
        }
    ]
    res = client_for(agent).get(
        "/api/workcal/due", {"accepted": "2026-12-01T10:00:00+08:00", "unit": "working_days", "amount": 4}
    )
    assert res.json()["deadline_warnings"] == []
