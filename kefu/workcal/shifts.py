"""The center's shift calendar as plain data (no Django): templates, their windows, which are night shifts.

One list of shift templates per center (policy section `shifts`, kefu/workcal/policy.py) is read by the
handover diary, the QA shift summaries, the roster, the floor ladder, attendance and the leave rules
(kefu.workcal.selectors.shift_calendar). A night shift is known by its hours: it works at least
`min_hours` inside the night window (22:00-06:00 by default), whatever it is called.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

DAY_MINUTES = 24 * 60


def minutes_of(hhmm: str) -> int:
    """ "08:30" -> 510; "24:00" -> 1440."""
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


def hhmm(minutes: int) -> str:
    """510 -> "08:30"; 1500 -> "01:00" (a clock time, the day dropped)."""
    minutes %= DAY_MINUTES
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@dataclass(frozen=True)
class NightWindow:
    start: str = "22:00"
    end: str = "06:00"
    min_hours: float = 3.0


@dataclass(frozen=True)
class ShiftTemplate:
    """One shift of the center: 白班 08:00, 9 hours (ends 17:00); `night` follows from the hours."""

    code: str
    name: str
    start: str  # "HH:MM"
    minutes: int  # length
    night: bool
    color: str = "#d9d9d9"

    @property
    def start_minute(self) -> int:
        return minutes_of(self.start)

    @property
    def end(self) -> str:
        """The clock time it ends ("01:00" for 17:00 + 8 h); "24:00" for a shift ending at midnight."""
        end = self.start_minute + self.minutes
        return "24:00" if end == DAY_MINUTES else hhmm(end)

    @property
    def hours(self) -> float:
        return self.minutes / 60

    def window(self, day: date, tz: tzinfo | None) -> tuple[datetime, datetime]:
        """Start and end of the shift worked on `day` (the day it starts); 17:00 + 8 h ends at 01:00 next day."""
        start = datetime.combine(day, time(0)) + timedelta(minutes=self.start_minute)
        end = start + timedelta(minutes=self.minutes)
        return start.replace(tzinfo=tz), end.replace(tzinfo=tz)  # wall-clock times in the center's zone


def night_minutes(start_minute: int, minutes: int, night: NightWindow) -> int:
    """Minutes of a shift (starting at `start_minute`, lasting `minutes`) inside the night window."""
    lo, hi = minutes_of(night.start), minutes_of(night.end)
    if hi <= lo:
        hi += DAY_MINUTES
    total = 0
    for offset in (-DAY_MINUTES, 0, DAY_MINUTES):  # the window of the day before, the day, the day after
        a, b = lo + offset, hi + offset
        total += max(0, min(b, start_minute + minutes) - max(a, start_minute))
    return total


def is_night(start_minute: int, minutes: int, night: NightWindow) -> bool:
    """17:00-01:00 works 3 h in 22:00-06:00 → night (003:L8); 16:00-24:00 works 2 h → not night."""
    return night_minutes(start_minute, minutes, night) >= round(night.min_hours * 60)


def templates_from(section: Mapping) -> list[ShiftTemplate]:
    """The templates of a `shifts` policy section, in its order, each with its night flag worked out."""
    night = night_window(section)
    out = []
    for raw in section["templates"]:
        start = minutes_of(raw["start"])
        minutes = int(round(float(raw["hours"]) * 60))
        out.append(
            ShiftTemplate(
                raw["code"],
                raw["name"],
                raw["start"],
                minutes,
                is_night(start, minutes, night),
                raw.get("color") or "#d9d9d9",
            )
        )
    return out


def night_window(section: Mapping) -> NightWindow:
    raw = section.get("night_window") or {}
    return NightWindow(raw.get("start", "22:00"), raw.get("end", "06:00"), float(raw.get("min_hours", 3)))


def on_duty(templates: Iterable[ShiftTemplate], local: datetime) -> list[ShiftTemplate]:
    """Templates whose shift (started today or yesterday) is on at the naive or aware local time `local`."""
    found = []
    for t in templates:
        for back in (0, 1):
            start, end = t.window(local.date() - timedelta(days=back), local.tzinfo)
            if start <= local < end:
                found.append(t)
                break
    return found


def is_night_time(templates: list[ShiftTemplate], local: datetime, night: NightWindow) -> bool:
    """Night on the floor (004:L785 夜班): every shift on duty is a night shift; with nobody rostered, the
    night window decides."""
    working = on_duty(templates, local)
    if working:
        return all(t.night for t in working)
    minute = local.hour * 60 + local.minute
    return night_minutes(minute, 1, night) == 1


def by_code(templates: Iterable[ShiftTemplate]) -> dict[str, ShiftTemplate]:
    return {t.code: t for t in templates}
