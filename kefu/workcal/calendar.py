"""A working-day calendar (pure): weekends, public holidays and make-up working days (调休).

Built from data, not from a library call, so that it can be tested exhaustively and the
administrator's overrides win over the published holiday table. It also knows which years its data
covers: past the last published year every weekday would silently count as a working day (issue 12).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta


@dataclass(frozen=True)
class WorkCalendar:
    holidays: frozenset[date] = field(default_factory=frozenset)  # days off that fall Mon-Fri
    workdays: frozenset[date] = field(default_factory=frozenset)  # make-up working days on a weekend
    names: dict[date, str] = field(default_factory=dict, compare=False, hash=False)
    # Years whose holidays are known (published or confirmed by an administrator); None: every year, as for a
    # calendar written out by hand such as MON_FRI.
    covered_years: frozenset[int] | None = None

    def is_covered(self, year: int) -> bool:
        return self.covered_years is None or year in self.covered_years

    def uncovered_years(self, start: date, end: date) -> list[int]:
        """The years of [start, end] (either order) whose holidays this calendar does not know."""
        lo, hi = sorted((start.year, end.year))
        return [year for year in range(lo, hi + 1) if not self.is_covered(year)]

    def is_working_day(self, day: date) -> bool:
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < 5

    def is_holiday(self, day: date) -> bool:
        """A public holiday (法定节假日), not an ordinary weekend."""
        return day in self.holidays and day not in self.workdays

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after `day`."""
        day += timedelta(days=1)
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def add_working_days(self, day: date, n: int) -> date:
        """The n-th working day after `day` (n >= 0; n == 0 returns `day`)."""
        if n < 0:
            raise ValueError("n must be >= 0")
        for _ in range(n):
            day = self.next_working_day(day)
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in the half-open range [start, end)."""
        count, day = 0, start
        while day < end:
            count += self.is_working_day(day)
            day += timedelta(days=1)
        return count

    def with_overrides(self, overrides: dict[date, bool], names: dict[date, str] | None = None) -> WorkCalendar:
        """A new calendar where each override (True = working, False = day off) wins."""
        holidays, workdays = set(self.holidays), set(self.workdays)
        for day, working in overrides.items():
            holidays.discard(day)
            workdays.discard(day)
            if working and day.weekday() >= 5:
                workdays.add(day)
            elif not working and day.weekday() < 5:
                holidays.add(day)
        merged_names = {**self.names, **(names or {})}
        return WorkCalendar(frozenset(holidays), frozenset(workdays), merged_names, self.covered_years)

    def with_covered_years(self, years) -> WorkCalendar:
        return WorkCalendar(self.holidays, self.workdays, self.names, frozenset(years))


MON_FRI = WorkCalendar()
