"""The wallboard's day curves (pure): how many callers were waiting at once in each interval of the day."""

from __future__ import annotations

from datetime import datetime, timedelta


def peak_waiting(waits: list[tuple[datetime, datetime]], start: datetime, step: timedelta, buckets: int) -> list[int]:
    """Most callers waiting at the same moment in each of `buckets` intervals of `step` from `start`.

    `waits` are (entered queue, left queue) of each queued call; a caller who leaves at the moment another enters is
    not counted twice. An interval where nobody waited is 0; one that starts with callers already waiting counts them.
    """
    events = []
    for s, e in waits:
        if e <= s:
            continue
        events.append((s, 1))
        events.append((e, -1))
    events.sort(key=lambda ev: (ev[0], ev[1]))  # leaving before entering at the same instant
    peaks = [0] * buckets
    level = 0
    i = 0
    for b in range(buckets):
        lo, hi = start + step * b, start + step * (b + 1)
        while i < len(events) and events[i][0] < lo:
            level += events[i][1]
            i += 1
        peak = level
        while i < len(events) and events[i][0] < hi:
            level += events[i][1]
            peak = max(peak, level)
            i += 1
        peaks[b] = peak
    return peaks
