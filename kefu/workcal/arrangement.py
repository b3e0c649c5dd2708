"""A year's holiday arrangement (放假调休安排) typed or uploaded by an administrator (pure).

One line per day: `日期,类型,名称`, e.g. `2027-01-01,休,元旦` or `2027-02-07,班,春节调休上班`. The parser
returns the days it read and the problems it found, each problem a code with its line number and values;
the words are chosen where they are shown (kefu.workcal.messages). Nothing here touches the database:
`preview()` compares the arrangement with a calendar so the administrator sees what would change.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from kefu.workcal.calendar import WorkCalendar

MAX_LINES = 400  # a year has 366 days; more lines is not one year's arrangement
MAX_BYTES = 64 * 1024
MAX_NAME = 50  # CalendarOverride.name
MIN_YEAR, MAX_YEAR = 2000, 2100
OFF_WORDS = {"休", "休息", "放假", "off"}
WORK_WORDS = {"班", "上班", "补班", "work"}
HEADER_WORDS = {"日期", "date"}
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


@dataclass(frozen=True)
class ArrangedDay:
    line: int
    day: date
    working: bool
    name: str


@dataclass(frozen=True)
class LineProblem:
    """`code` names the rule (kefu.workcal.messages); `params` the line and the values involved."""

    code: str
    field: str
    params: dict = field(default_factory=dict, hash=False)


def year_span(year: int) -> tuple[date, date]:
    """The days a year's arrangement may set: the year itself and the December before it (the State Council's
    notice for a year may move a day of the previous year's end, as for 元旦 2024)."""
    return date(year - 1, 12, 1), date(year, 12, 31)


def decode(data: bytes) -> str | None:
    """An uploaded CSV as text: UTF-8 (with or without BOM) or GB18030 (Excel on a Chinese Windows); None if neither."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _parse_date(text: str) -> date | None:
    m = _DATE.match(text)
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def _short(text: str) -> str:
    return text if len(text) <= 20 else text[:20] + "…"


def parse(text: str, year: int) -> tuple[list[ArrangedDay], list[LineProblem]]:
    """The days of `text` for `year`'s arrangement and every problem found (all lines are checked)."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        return [], [LineProblem("workcal.arrangement.year_range", "year", {"min": MIN_YEAR, "max": MAX_YEAR})]
    if len(text.encode("utf-8")) > MAX_BYTES:
        return [], [LineProblem("workcal.arrangement.too_large", "csv", {"max": MAX_BYTES // 1024})]
    rows = [(n, [cell.strip() for cell in row]) for n, row in _rows(text)]
    rows = [(n, row) for n, row in rows if any(row)]
    if rows and rows[0][1][0].lower() in HEADER_WORDS:
        rows = rows[1:]
    if not rows:
        return [], [LineProblem("workcal.arrangement.empty", "csv")]
    if len(rows) > MAX_LINES:
        return [], [LineProblem("workcal.arrangement.too_many", "csv", {"max": MAX_LINES, "count": len(rows)})]
    first, last = year_span(year)
    days, problems, seen = [], [], {}
    for line, row in rows:
        if not 2 <= len(row) <= 3:
            problems.append(LineProblem("workcal.arrangement.columns", "csv", {"line": line, "count": len(row)}))
            continue
        day_text, kind, name = row[0], row[1], row[2] if len(row) == 3 else ""
        day = _parse_date(day_text)
        line_problems = []
        if day is None:
            line_problems.append(
                LineProblem("workcal.arrangement.date", "csv", {"line": line, "value": _short(day_text)})
            )
        elif not first <= day <= last:
            line_problems.append(
                LineProblem(
                    "workcal.arrangement.date_range",
                    "csv",
                    {
                        "line": line,
                        "day": day.isoformat(),
                        "year": year,
                        "start": first.isoformat(),
                        "end": last.isoformat(),
                    },
                )
            )
        elif day in seen:
            line_problems.append(
                LineProblem(
                    "workcal.arrangement.duplicate", "csv", {"line": line, "day": day.isoformat(), "first": seen[day]}
                )
            )
        if kind.lower() not in OFF_WORDS | WORK_WORDS:
            line_problems.append(LineProblem("workcal.arrangement.kind", "csv", {"line": line, "value": _short(kind)}))
        if len(name) > MAX_NAME:
            line_problems.append(LineProblem("workcal.arrangement.name_length", "csv", {"line": line, "max": MAX_NAME}))
        if line_problems:
            problems.extend(line_problems)
            continue
        seen[day] = line
        days.append(ArrangedDay(line, day, kind.lower() in WORK_WORDS, name))
    return sorted(days, key=lambda d: d.day), problems


def _rows(text: str):
    """(line number, cells) of each CSV record; a record spanning lines is numbered by its first line."""
    reader = csv.reader(io.StringIO(text))
    start = 1
    for row in reader:
        yield start, row
        start = reader.line_num + 1


@dataclass(frozen=True)
class DayChange:
    line: int
    day: date
    working_before: bool
    working_after: bool
    name_before: str
    name_after: str

    @property
    def changed(self) -> bool:
        return self.working_before != self.working_after


@dataclass(frozen=True)
class Preview:
    year: int
    days: list[DayChange]
    working_days_before: int  # in the year, on the calendar as it is
    working_days_after: int  # once the arrangement is saved

    @property
    def to_off(self) -> int:
        return sum(d.working_before and not d.working_after for d in self.days)

    @property
    def to_working(self) -> int:
        return sum(not d.working_before and d.working_after for d in self.days)


def apply(cal: WorkCalendar, days: list[ArrangedDay]) -> WorkCalendar:
    return cal.with_overrides({d.day: d.working for d in days}, {d.day: d.name for d in days if d.name})


def preview(cal: WorkCalendar, year: int, days: list[ArrangedDay]) -> Preview:
    """What saving `days` would change on `cal`: each day before and after, and the year's working days."""
    after = apply(cal, days)
    changes = [
        DayChange(
            d.line,
            d.day,
            cal.is_working_day(d.day),
            after.is_working_day(d.day),
            cal.names.get(d.day, ""),
            after.names.get(d.day, ""),
        )
        for d in days
    ]
    start, end = date(year, 1, 1), date(year, 12, 31) + timedelta(days=1)
    return Preview(year, changes, cal.working_days_between(start, end), after.working_days_between(start, end))
