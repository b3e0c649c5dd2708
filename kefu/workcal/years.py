"""Which years the calendar knows, and an administrator's entry of a year's arrangement (issue 12).

chinese-calendar carries the State Council's arrangement up to its last year; a later year counts every
weekday as a working day until an administrator enters that year's holidays and make-up working days
(调休) and confirms the year. Deadlines counted across an unconfirmed year carry a warning.
"""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from kefu.errors import Problem, RuleViolation
from kefu.workcal import arrangement, services
from kefu.workcal.deadlines import YEAR_NOT_COVERED, DeadlineRule, DeadlineWarning, due_warnings
from kefu.workcal.messages import shown
from kefu.workcal.models import CalendarOverride, ConfirmedYear


def deadline_warnings(
    accepted: datetime, due: datetime, rule: DeadlineRule, tz: str = "Asia/Shanghai"
) -> list[DeadlineWarning]:
    """Warnings of a deadline counted on the center's calendar (see deadlines.due_warnings)."""
    return due_warnings(accepted, due, rule, services.center_calendar(), tz)


def years_needing_attention(today: date) -> list[int]:
    """Years an administrator should enter now: this year and the next, and any year already given overrides,
    when neither chinese-calendar nor an administrator covers them."""
    cal = services.center_calendar()
    override_years = {d.year for d in CalendarOverride.objects.dates("day", "year")}
    return sorted(y for y in {today.year, today.year + 1} | override_years if not cal.is_covered(y))


def year_warning(year: int) -> str:
    return shown(YEAR_NOT_COVERED, {"year": year})


def problems_shown(problems: list[arrangement.LineProblem]) -> list[Problem]:
    return [Problem(p.field, p.code.rsplit(".", 1)[-1], shown(p.code, p.params)) for p in problems]


def _days(text: str, year: int) -> list[arrangement.ArrangedDay]:
    days, problems = arrangement.parse(text, year)
    if problems:
        raise RuleViolation.many(problems_shown(problems))
    return days


def preview(text: str, year: int) -> arrangement.Preview:
    """What saving `text` as `year`'s arrangement would change; RuleViolation with every bad line, nothing saved."""
    return arrangement.preview(services.center_calendar(), year, _days(text, year))


@transaction.atomic
def save_arrangement(text: str, year: int, user, confirm: bool = True) -> arrangement.Preview:
    """Save every day of `text` as an override (all or nothing; saving the same text again changes nothing) and,
    when asked, confirm the year so that its deadlines no longer warn."""
    days = _days(text, year)
    result = arrangement.preview(services.center_calendar(), year, days)
    for d in days:
        CalendarOverride.objects.update_or_create(day=d.day, defaults={"is_working_day": d.working, "name": d.name})
    services.invalidate()
    transaction.on_commit(services.invalidate)
    if confirm:
        confirm_year(year, user)
    return result


@transaction.atomic
def confirm_year(year: int, user) -> ConfirmedYear | None:
    """Record that `year`'s arrangement is complete (who and when). A year chinese-calendar publishes needs none;
    a year without a single day off entered is refused, as its 元旦 alone would be one."""
    if not arrangement.MIN_YEAR <= year <= arrangement.MAX_YEAR:
        raise RuleViolation(
            shown("workcal.arrangement.year_range", {"min": arrangement.MIN_YEAR, "max": arrangement.MAX_YEAR}),
            field="year",
            rule="year_range",
        )
    if year in services.published_years():
        return None
    found = ConfirmedYear.objects.filter(year=year).first()
    if found is not None:
        return found  # confirmed already: who confirmed first stays on record
    if not CalendarOverride.objects.filter(day__year=year, is_working_day=False).exists():
        raise RuleViolation(shown("workcal.year.nothing_entered", {"year": year}), field="year", rule="nothing_entered")
    row = ConfirmedYear.objects.create(
        year=year,
        confirmed_by=user if user is not None and user.is_authenticated else None,
        confirmed_at=timezone.now(),
    )
    services.invalidate()
    transaction.on_commit(services.invalidate)
    return row


@transaction.atomic
def withdraw_confirmation(year: int) -> None:
    ConfirmedYear.objects.filter(year=year).delete()
    services.invalidate()
    transaction.on_commit(services.invalidate)
