"""The center's calendar: chinese-calendar's published holidays plus the administrator's overrides."""

from __future__ import annotations

import logging
import uuid
from datetime import date, timedelta

from django.core.cache import cache
from django.db import transaction

from kefu.errors import RuleViolation
from kefu.workcal.calendar import WorkCalendar
from kefu.workcal.models import CalendarOverride, ConfirmedYear

log = logging.getLogger(__name__)
_VERSION_KEY = "workcal:calendar:version"
_HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "Mid-autumn Festival": "中秋节",
    "National Day": "国庆节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


def published_calendar() -> WorkCalendar:
    """Holidays and make-up days of every year chinese-calendar knows (2004 to its last year)."""
    from chinese_calendar.constants import holidays as holiday_table
    from chinese_calendar.constants import workdays as workday_table

    holidays = {d for d in holiday_table if d.weekday() < 5}
    workdays = {d for d in workday_table if d.weekday() >= 5}
    names = {d: _HOLIDAY_NAMES.get(str(v), str(v)) for d, v in holiday_table.items()}
    names.update({d: f"{_HOLIDAY_NAMES.get(str(v), str(v))}调休上班" for d, v in workday_table.items()})
    return WorkCalendar(frozenset(holidays), frozenset(workdays), names, frozenset(published_years()))


def published_years() -> range:
    """The years chinese-calendar has the State Council's arrangement for: the range its own public functions
    accept (is_workday raises NotImplementedError outside it). Later years need an administrator (issue 12)."""
    import chinese_calendar

    return range(min(chinese_calendar.holidays).year, max(chinese_calendar.holidays).year + 1)


def published_range() -> tuple[date, date]:
    from chinese_calendar.constants import holidays as holiday_table

    return min(holiday_table), date(max(holiday_table).year, 12, 31)


def center_calendar() -> WorkCalendar:
    """The calendar with the overrides. The shared cache holds only a version stamp; each process keeps the
    calendar it built for that stamp, so a deadline costs one small cache read, not an unpickled calendar."""
    global _built
    try:
        version = cache.get(_VERSION_KEY)
        if version is None:
            cache.add(_VERSION_KEY, uuid.uuid4().hex, 300)  # the first process to get here names the version
            version = cache.get(_VERSION_KEY)
    except Exception as exc:  # the cache is an optimisation: unreachable (Redis down), build from the database
        log.warning("缓存不可用（%s）：工作日历直接从数据库构建", exc)
        version = None
    built = _built
    if built is not None and version is not None and built[0] == version:
        return built[1]
    # Read after the version: an override saved meanwhile invalidates, so this calendar is never kept for it.
    rows = list(CalendarOverride.objects.values_list("day", "is_working_day", "name"))
    cal = published_calendar().with_overrides({d: w for d, w, _ in rows}, {d: n for d, _, n in rows if n})
    cal = cal.with_covered_years(cal.covered_years | set(ConfirmedYear.objects.values_list("year", flat=True)))
    _built = (version, cal)
    return cal


_built: tuple[str, WorkCalendar] | None = None


def invalidate() -> None:
    global _built
    _built = None
    try:
        cache.delete(_VERSION_KEY)
    except Exception as exc:  # unreachable cache: other processes rebuild while it is down; the stamp expires in 300 s
        log.warning("缓存不可用（%s）：工作日历版本未能作废", exc)


def _invalidate_now_and_on_commit() -> None:
    # Now, so this request reads its own change; again on commit, in case another request cached the old
    # calendar between the two.
    invalidate()
    transaction.on_commit(invalidate)


@transaction.atomic
def set_override(day: date, *, is_working_day: bool, name: str = "") -> CalendarOverride:
    if len(name) > 50:
        raise RuleViolation("说明不能超过50个字符", field="name", rule="max_length")
    row, _ = CalendarOverride.objects.update_or_create(
        day=day, defaults={"is_working_day": is_working_day, "name": name}
    )
    _invalidate_now_and_on_commit()
    return row


@transaction.atomic
def remove_override(day: date) -> None:
    deleted, _ = CalendarOverride.objects.filter(day=day).delete()
    if not deleted:
        raise RuleViolation(f"{day} 没有调整记录", field="day", rule="not_found", status=404)
    _invalidate_now_and_on_commit()


def days(start: date, end: date) -> list[dict]:
    """Each day of [start, end] with its status, for the API and the calendar page."""
    if end < start:
        raise RuleViolation("结束日期不能早于开始日期", field="end", rule="date_order")
    if (end - start).days > 366:
        raise RuleViolation("一次最多查询366天", field="end", rule="max_range")
    cal = center_calendar()
    overridden = set(CalendarOverride.objects.filter(day__range=(start, end)).values_list("day", flat=True))
    lo, hi = published_range()
    out, day = [], start
    while day <= end:
        out.append(
            {
                "day": day,
                "is_working_day": cal.is_working_day(day),
                "is_holiday": cal.is_holiday(day),
                "is_makeup_workday": day in cal.workdays,
                "name": cal.names.get(day, ""),
                "overridden": day in overridden,
                "published": lo <= day <= hi,
            }
        )
        day += timedelta(days=1)
    return out
