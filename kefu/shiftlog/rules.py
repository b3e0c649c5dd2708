"""Handover rules as pure functions (no Django): shift windows, signing deadlines, lateness, liability.

Plain data in, plain data out; datetimes are aware and compared as given.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from enum import StrEnum


@dataclass(frozen=True)
class Shift:
    code: str
    name: str
    start: str  # "HH:MM"
    end: str  # "HH:MM"; <= start means the next day; "24:00" is the end of the day


def _hm(value: str) -> tuple[int, int]:
    hours, minutes = value.split(":")
    return int(hours), int(minutes)


def shift_window(shift: Shift, day: date, tz: tzinfo) -> tuple[datetime, datetime]:
    """Start and end of `shift` worked on `day` (the day it starts).

    17:00-01:00 on 1 March ends at 01:00 on 2 March (003:L8); 16:00-24:00 ends at 00:00 the next day.
    """
    sh, sm = _hm(shift.start)
    eh, em = _hm(shift.end)
    start = datetime.combine(day, time(sh % 24, sm), tz) + timedelta(days=sh // 24)
    end_day = day
    if eh == 24:
        eh, end_day = 0, day + timedelta(days=1)
    elif (eh, em) <= (sh, sm):
        end_day = day + timedelta(days=1)
    end = datetime.combine(end_day, time(eh, em), tz)
    return start, end


def shift_hours(shift: Shift) -> float:
    """Length of a shift in hours (08:00-17:00 → 9, 17:00-01:00 → 8; 000:L180-185)."""
    start, end = shift_window(shift, date(2001, 1, 1), None)  # naive: a day without DST
    return (end - start).total_seconds() / 3600


def shift_ending_near(shifts: list[Shift], now: datetime, tz: tzinfo) -> tuple[Shift, date]:
    """The shift a person writing the diary at `now` is most likely leaving: among shifts already started,
    the one whose end is nearest, an end already past counting three times its distance (a diary written
    at 20:10 belongs to the shift that ended at 20:00, one written at 01:00 to the night shift)."""
    best = None
    for shift in shifts:
        for offset in (-1, 0, 1):
            day = now.astimezone(tz).date() + timedelta(days=offset)
            start, end = shift_window(shift, day, tz)
            if start > now:
                continue
            distance = (end - now).total_seconds()
            score = -3 * distance if distance < 0 else distance
            if best is None or score < best[0]:
                best = (score, shift, day)
    return best[1], best[2]


@dataclass(frozen=True)
class Deadlines:
    sign_out_due: datetime
    countersign_due: datetime


def deadlines(shift_end: datetime, sign_out_grace_minutes: int, countersign_grace_minutes: int) -> Deadlines:
    """The outgoing side signs before going off duty (004:L663): shift end + grace.
    The incoming side countersigns by shift end + its own grace (004:L663 签字确认)."""
    return Deadlines(
        sign_out_due=shift_end + timedelta(minutes=sign_out_grace_minutes),
        countersign_due=shift_end + timedelta(minutes=countersign_grace_minutes),
    )


class Flag(StrEnum):
    UNSIGNED = "unsigned"  # not signed out and the sign-out deadline has passed
    SIGNED_LATE = "signed_late"  # signed out after the deadline
    NOT_COUNTERSIGNED = "not_countersigned"  # not countersigned and the countersign deadline has passed
    COUNTERSIGNED_LATE = "countersigned_late"  # countersigned after the deadline


FLAG_LABELS = {
    Flag.UNSIGNED: "逾期未交班签字",
    Flag.SIGNED_LATE: "交班签字迟延",
    Flag.NOT_COUNTERSIGNED: "逾期未接班签字",
    Flag.COUNTERSIGNED_LATE: "接班签字迟延",
}


def lateness(
    due: Deadlines, signed_out_at: datetime | None, countersigned_at: datetime | None, now: datetime
) -> list[Flag]:
    """What a supervisor must see about one handover. A signature exactly at the deadline is on time."""
    flags: list[Flag] = []
    if signed_out_at is None:
        if now > due.sign_out_due:
            flags.append(Flag.UNSIGNED)
    elif signed_out_at > due.sign_out_due:
        flags.append(Flag.SIGNED_LATE)
    if countersigned_at is None:
        if now > due.countersign_due:
            flags.append(Flag.NOT_COUNTERSIGNED)
    elif countersigned_at > due.countersign_due:
        flags.append(Flag.COUNTERSIGNED_LATE)
    return flags


class IssueKind(StrEnum):
    OMISSION = "omission"  # 漏交
    WRONG_HANDOVER = "wrong_handover"  # 错交
    MIS_RECEIPT = "mis_receipt"  # 错接


ISSUE_LABELS = {
    IssueKind.OMISSION: "漏交",
    IssueKind.WRONG_HANDOVER: "错交",
    IssueKind.MIS_RECEIPT: "错接",
}


class Side(StrEnum):
    OUTGOING = "outgoing"  # 交班人
    INCOMING = "incoming"  # 接班人


def responsible_side(kind: IssueKind) -> Side:
    """004:L669 凡由于漏交错交所发生的问题均由交班人负责,由于错接而发生的问题由接班人负责."""
    if kind in (IssueKind.OMISSION, IssueKind.WRONG_HANDOVER):
        return Side.OUTGOING
    return Side.INCOMING
