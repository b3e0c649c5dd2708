"""Pure rules of delivery (no Django): back-off between retries, quiet hours, webhook addresses.

Plain data in, plain data out; tested with hand-computed boundaries in tests/test_rules.py.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from urllib.parse import urlsplit


def backoff(attempts: int, base_seconds: int, cap_seconds: int) -> timedelta:
    """Wait before the next try after `attempts` failed tries: base, 2×base, 4×base, ... never more than cap."""
    if attempts < 1:
        return timedelta(0)
    return timedelta(seconds=min(base_seconds * 2 ** (attempts - 1), cap_seconds))


def in_quiet_hours(moment: time, start: time | None, end: time | None) -> bool:
    """Whether a local time of day falls in [start, end); a window may pass midnight (22:00-07:00)."""
    if start is None or end is None or start == end:
        return False
    if start < end:
        return start <= moment < end
    return moment >= start or moment < end


def release_at(local_now: datetime, start: time | None, end: time | None) -> datetime:
    """When a non-urgent send queued at `local_now` may go out: now, or the end of the quiet hours it falls in."""
    if not in_quiet_hours(local_now.time(), start, end):
        return local_now
    release = local_now.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
    if release <= local_now:
        release += timedelta(days=1)
    return release


def webhook_problem(url: str) -> str | None:
    """None for an acceptable http(s) address with a host; else the rule it breaks (a message code suffix)."""
    url = (url or "").strip()
    if not url:
        return "required"
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return "scheme"
    if not parts.hostname:
        return "host"
    return None
