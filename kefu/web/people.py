"""People and times as a person reads them inside the center: "张三 (1001)", "2026-12-07 14:05" in local time.

Customers never see these: what reaches a customer (replies, SMS, survey pages) names staff by number only
(SPEC: 工号 to customers, name and number inside the center).
"""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone


def staff_label(staff=None, *, name: str = "", number: str = "") -> str:
    """ "张三 (1001)" for a Staff row (or a name and number); the number alone when the name is unknown."""
    if staff is not None:
        name, number = getattr(staff, "name", "") or "", getattr(staff, "staff_no", "") or ""
    name, number = (name or "").strip(), (number or "").strip()
    if name and number:
        return f"{name} ({number})"
    return number or name


def list_separator() -> str:
    """、 in Chinese, ", " in English (as kefu.messages joins list parameters)."""
    from django.utils.translation import get_language

    return ", " if (get_language() or "").startswith("en") else "、"


def directory(center) -> dict[str, str]:
    """Staff number -> name of a center's staff (one query; a page caches it on its request)."""
    from kefu.org.models import Staff

    if center is None:
        return {}
    return dict(Staff.objects.filter(center=center).values_list("staff_no", "name"))


def local_time(value, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A moment in the center's local time, readably; an ISO string (stored in JSON) is read first."""
    if value in (None, ""):
        return ""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.strftime(fmt)
    if isinstance(value, date):
        return value.strftime("%Y-%m-%d")
    return str(value)
