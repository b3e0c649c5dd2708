"""The shift calendar: one list of templates per center; night shifts known by their hours (issue 13)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from kefu.org.policy import validate_overrides
from kefu.workcal import policy, shifts
from kefu.workcal.selectors import default_shift, shift_calendar

TZ = ZoneInfo("Asia/Shanghai")
NIGHT = shifts.NightWindow()


def hours(preset: str) -> dict[str, tuple[str, str, bool]]:
    return {t.code: (t.start, t.end, t.night) for t in shifts.templates_from(policy.PRESETS[preset])}


def test_presets_keep_the_seeds_hours():
    # 003:L5-13 = 000:L180-188: 白班 08:00-17:00, 晚班 17:00-01:00, 常班 09:00-18:00
    assert hours("ecommerce") == {
        "D": ("08:00", "17:00", False),
        "N": ("17:00", "01:00", True),
        "R": ("09:00", "18:00", False),
    }
    # 004:L741 24-hour service; 004:L885 the night shift hands over in the morning: 大夜班 01:00-09:00
    for preset in ("hotline", "gov12345"):
        assert hours(preset) == {**hours("ecommerce"), "O": ("01:00", "09:00", True)}
    for name, data in policy.PRESETS.items():
        assert policy.validate(data) == [], name


@pytest.mark.parametrize(
    "start, length, night",
    [
        ("17:00", 8, True),  # 003:L8 晚班 to 01:00: 3 h between 22:00 and 06:00
        ("16:00", 8, False),  # a 中班 to midnight: 2 h
        ("20:00", 12, True),
        ("01:00", 8, True),
        ("08:00", 9, False),
        ("22:00", 2.5, False),  # too short inside the window
        ("05:00", 8, False),
    ],
)
def test_a_night_shift_is_known_by_its_hours(start, length, night):
    assert shifts.is_night(shifts.minutes_of(start), round(length * 60), NIGHT) is night


def test_the_name_does_not_make_a_night_shift():
    section = {
        "templates": [
            {"code": "X", "name": "夜班", "start": "08:00", "hours": 9},
            {"code": "Y", "name": "白班", "start": "21:00", "hours": 9},
        ],
        "default": "X",
    }
    assert [t.night for t in shifts.templates_from(section)] == [False, True]


def test_window_runs_past_midnight():
    late = shifts.templates_from(policy.PRESETS["ecommerce"])[1]
    assert late.window(date(2026, 3, 1), TZ) == (
        datetime(2026, 3, 1, 17, tzinfo=TZ),
        datetime(2026, 3, 2, 1, tzinfo=TZ),
    )
    midnight = shifts.ShiftTemplate("M", "中班", "16:00", 480, False)
    assert midnight.end == "24:00"


def test_floor_night_is_when_only_night_shifts_are_on():
    templates = shifts.templates_from(policy.PRESETS["hotline"])
    at = lambda h, m=0: datetime(2026, 3, 2, h, m)  # noqa: E731
    assert not shifts.is_night_time(templates, at(17, 30), NIGHT)  # 常班 still on until 18:00
    assert shifts.is_night_time(templates, at(18, 0), NIGHT)  # only 晚班
    assert shifts.is_night_time(templates, at(3), NIGHT)  # 大夜班
    assert not shifts.is_night_time(templates, at(8), NIGHT)  # 白班 has started
    shop = shifts.templates_from(policy.PRESETS["ecommerce"])
    assert shifts.is_night_time(shop, at(3), NIGHT)  # nobody on: the night window decides
    assert not shifts.is_night_time(shop, at(7, 30), NIGHT)


def test_validate_names_the_field_and_the_rule():
    bad = {
        "templates": [
            {"code": "D", "name": "白班", "start": "8:00", "hours": 9},
            {"code": "D", "name": "", "start": "09:00", "hours": 0},
        ],
        "night_window": {"start": "22:00", "end": "6点", "min_hours": 0},
        "default": "Z",
    }
    fields = {f for f, _ in policy.validate(bad)}
    assert fields == {
        "templates[0].start",
        "templates[1].code",
        "templates[1].name",
        "templates[1].hours",
        "night_window.end",
        "night_window.min_hours",
        "default",
    }
    assert ("shifts.templates[0].start", "上班时间格式应为 HH:MM（00:00-23:59）") in validate_overrides(
        "hotline", {"shifts": {"templates": [{"code": "D", "name": "白班", "start": "8点", "hours": 9}]}}
    )


@pytest.mark.django_db
def test_a_center_reads_its_own_calendar(center):
    from kefu.org.services import update_policy

    assert default_shift(center).code == "D"
    update_policy(
        center,
        preset="ecommerce",
        overrides={
            "shifts": {
                "templates": [
                    {"code": "D", "name": "早班", "start": "07:30", "hours": 8.5},
                    {"code": "L", "name": "晚班", "start": "16:00", "hours": 9},
                ],
                "default": "D",
            }
        },
    )
    assert [(t.code, t.start, t.end, t.night) for t in shift_calendar(center)] == [
        ("D", "07:30", "16:00", False),
        ("L", "16:00", "01:00", True),
    ]
