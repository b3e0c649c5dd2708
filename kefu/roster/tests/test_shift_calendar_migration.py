"""Edited shift hours survive the move to one shift calendar (roster migration 0002, issue 13)."""

import importlib
from datetime import time

import pytest
from django.apps import apps

from kefu.org.models import Policy
from kefu.org.policy import validate_overrides
from kefu.roster.models import ShiftTemplate
from kefu.workcal.selectors import default_shift, shift_calendar

forwards = importlib.import_module("kefu.roster.migrations.0002_one_shift_calendar").forwards


def _set(center, preset, overrides):
    Policy.objects.update_or_create(center=center, defaults={"preset": preset, "overrides": overrides})


def hours(center):
    return [(t.code, t.start, t.end) for t in shift_calendar(center)]


@pytest.mark.django_db
def test_an_edited_diary_keeps_its_hours_and_the_old_keys_go(center):
    _set(
        center,
        "hotline",
        {
            "shiftlog": {
                "shifts": [
                    {"code": "day", "name": "白班", "start": "07:00", "end": "19:00"},
                    {"code": "night", "name": "夜班", "start": "19:00", "end": "07:00"},
                ],
                "backfill_days": 10,
            },
            "quality": {"shifts": [{"code": "day", "name": "白班", "start": "08:00", "end": "18:00"}]},
            "wfm": {"ladder": {"night_start_hour": 21, "night_end_hour": 7}},
            "attendance": {"default_shift_start": "07:00"},
        },
    )
    forwards(apps, None)
    center.refresh_from_db()
    overrides = Policy.objects.get(center=center).overrides
    assert hours(center) == [("day", "07:00", "19:00"), ("night", "19:00", "07:00")]
    assert [t.night for t in shift_calendar(center)] == [False, True]
    assert default_shift(center).code == "day"  # the old default start 07:00 is the 白班
    assert overrides["shiftlog"] == {"backfill_days": 10}
    assert "quality" not in overrides and "wfm" not in overrides and "attendance" not in overrides
    assert validate_overrides("hotline", overrides) == []


@pytest.mark.django_db
def test_the_rostered_templates_win_over_the_other_lists(center):
    ShiftTemplate.objects.create(center=center, code="D", name="白班", start=time(7, 30), minutes=540)
    ShiftTemplate.objects.create(center=center, code="N", name="晚班", start=time(16, 30), minutes=510, night=True)
    _set(
        center, "ecommerce", {"shiftlog": {"shifts": [{"code": "x", "name": "白班", "start": "06:00", "end": "18:00"}]}}
    )
    forwards(apps, None)
    assert hours(center) == [("D", "07:30", "16:30"), ("N", "16:30", "01:00")]
    assert default_shift(center).code == "D"  # the preset's 常班 is gone: the first template
    assert validate_overrides("ecommerce", Policy.objects.get(center=center).overrides) == []


@pytest.mark.django_db
def test_an_unedited_center_is_left_alone(center):
    for code, start in (("D", time(8)), ("R", time(9))):
        ShiftTemplate.objects.create(
            center=center, code=code, name={"D": "白班", "R": "常班"}[code], start=start, minutes=540
        )
    ShiftTemplate.objects.create(center=center, code="N", name="晚班", start=time(17), minutes=480, night=True)
    _set(center, "ecommerce", {"shiftlog": {"backfill_days": 7}})
    forwards(apps, None)
    assert Policy.objects.get(center=center).overrides == {"shiftlog": {"backfill_days": 7}}
    assert hours(center) == [("D", "08:00", "17:00"), ("N", "17:00", "01:00"), ("R", "09:00", "18:00")]
