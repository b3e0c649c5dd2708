"""Template helpers for people and times (kefu.web.people), loaded with {% load people %}:

{{ order.acceptor|staff }}            张三 (1001)      a Staff row
{% staff_no record.staff_no %}        张三 (1001)      a bare staff number, named from the center's staff
{{ record.at|when }}                  2026-12-07 14:05 local time (also an ISO string from stored parameters)
{{ record.at|when_short }}            12-07 14:05
"""

from __future__ import annotations

from django import template

from kefu.web import people

register = template.Library()
_DIRECTORY = "_kefu_staff_directory"


@register.filter(name="staff")
def staff(value) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        return value
    return people.staff_label(value)


@register.simple_tag(takes_context=True, name="staff_no")
def staff_no(context, number) -> str:
    """A staff number shown with the name, looked up among the viewer's center's staff (once per request)."""
    number = (number or "").strip() if isinstance(number, str) else str(number or "")
    if not number:
        return ""
    request = context.get("request")
    names = getattr(request, _DIRECTORY, None) if request is not None else None
    if names is None:
        staff = getattr(getattr(request, "user", None), "staff", None) if request is not None else None
        names = people.directory(getattr(staff, "center", None))
        if request is not None:
            setattr(request, _DIRECTORY, names)
    return people.staff_label(name=names.get(number, ""), number=number)


@register.filter(name="when")
def when(value) -> str:
    return people.local_time(value)


@register.filter(name="when_short")
def when_short(value) -> str:
    return people.local_time(value, "%m-%d %H:%M")


@register.filter(name="may")
def may(user, op_id: str) -> bool:
    """{% if request.user|may:"page.customers.detail" %}: whether the permission table lets this user do it."""
    from kefu.access import allowed

    return bool(user is not None and getattr(user, "is_authenticated", False) and allowed(user, op_id))


@register.filter(name="listed")
def listed(values) -> str:
    """Items joined with the reader's list separator (、 or ", "), each shown as text (staff rows by name and number)."""
    return people.list_separator().join(staff(v) if hasattr(v, "staff_no") else str(v) for v in values or [])
