"""Reads other apps need from workcal: the center's shift calendar (one source of shift hours)."""

from __future__ import annotations

from kefu.org.policy import policy_for
from kefu.workcal import shifts
from kefu.workcal.policy import SECTION


def shift_calendar(center) -> list[shifts.ShiftTemplate]:
    """The center's shift templates (policy section `shifts`), each with its night flag from its hours."""
    return shifts.templates_from(policy_for(SECTION, center))


def night_window(center) -> shifts.NightWindow:
    return shifts.night_window(policy_for(SECTION, center))


def default_shift(center) -> shifts.ShiftTemplate:
    """The template assumed for someone without a rostered shift (the section's `default`)."""
    section = policy_for(SECTION, center)
    templates = shifts.templates_from(section)
    return shifts.by_code(templates).get(section["default"], templates[0])
