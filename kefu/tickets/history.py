"""Labels and history lines of work orders, rendered in the reader's language from the catalogue (messages.py).

Nothing here keeps a copy of a label: a state, kind or choice is shown through its catalogue code
(`tickets.<group>.<value>`), a field through `tickets.field.<name>`, a history row through its stored code and
parameters. Pages, the API and exports all call these, so one catalogue entry changes every place it is shown.
"""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import get_language, gettext

from kefu.messages import Msg, local_time, render
from kefu.tickets.messages import MESSAGES

# A choice's group is the field it belongs to; these fields' values are shown by their labels.
CHOICE_GROUPS = (
    "kind",
    "category",
    "complainant_type",
    "channel",
    "reply_method",
    "satisfaction",
    "arbitration_result",
    "approver",
)


def label(group: str, value) -> str:
    """The label of `value` in `group` ("order.state", "kind", "category", ...); an unknown value as it is."""
    code = f"tickets.{group}.{value}"
    return render(code) if code in MESSAGES else str(value or "")


def category_text(code: str, name: str = "", name_en: str = "") -> str:
    """A category in the reader's language: the policy's English name on English pages when it gives one, else its
    Chinese name; without either (a row stored before categories were policy data) the catalogue's label."""
    english = (get_language() or "").startswith("en")
    if english and name_en:
        return name_en
    if name and not (english and f"tickets.category.{code}" in MESSAGES):
        return name
    return label("category", code)


def category(o) -> str:
    """An order's category as it was created (its labels are kept on the order)."""
    names = o.category_names or {}
    return category_text(o.category, names.get("name", ""), names.get("name_en", ""))


def field_label(name: str) -> str:
    code = f"tickets.field.{name}"
    return render(code) if code in MESSAGES else name


def level(n) -> str:
    return render("tickets.level", {"n": n})


def state(value: str) -> str:
    return label("order.state", value)


def choices(group: str, values) -> list[tuple[str, str]]:
    """(value, label) pairs for a select."""
    return [(v, label(group, v)) for v in values]


def field_value(name: str, value) -> str:
    """A typed value of a history row as staff read it: labels for choices, local times, a department by name."""
    if isinstance(value, dict):  # a department {"id", "code", "name"}, a category {"code", "name", "name_en"}
        if "number" in value:  # an order (the survivor of a merge, the duplicate merged in)
            return str(value["number"])
        if "name_en" in value:
            return category_text(value.get("code", ""), value.get("name", ""), value.get("name_en", ""))
        return str(value.get("name", ""))
    if isinstance(value, bool):
        return render("tickets.yes" if value else "tickets.no")
    if name in CHOICE_GROUPS:
        return label(name, value)
    if name == "level":
        return level(value)
    if isinstance(value, str) and name.endswith(("_deadline", "_at")):
        try:
            return local_time(datetime.fromisoformat(value))
        except ValueError:
            return value
    return "" if value is None else str(value)


def event_title(e) -> str:
    """What happened: the row's code (a transition's label or an event's). A title stored before codes (migration
    0002 keeps it as the `legacy` code's text) or by another app without a code is shown through the translation
    catalogues, as a label is: it is a whole msgid or shown as it is."""
    if e.code and e.code != "tickets.event.legacy":
        return render(e.code, e.params)
    text = (e.params or {}).get("text") if e.code else (e.label or e.name)
    return gettext(text) if text else ""


def event_note(e) -> str:
    """The line under it: the note code's text with its values, then what the person typed as a note."""
    parts = [render(e.note_code, e.params)] if e.note_code else []
    if e.note:
        parts.append(e.note)
    return " · ".join(parts)


def event_by(e) -> str:
    if e.by_system or not e.staff_no:
        return render("tickets.event.by_system")
    return render("tickets.event.by_staff", {"no": e.staff_no})


def event_fields(e) -> list[tuple[str, str]]:
    out = []
    for key, value in (e.fields or {}).items():
        shown = field_value(key, value)
        if shown:
            out.append((field_label(key), shown))
    return out


def event_line(e) -> dict:
    """One history row, rendered."""
    return {
        "e": e,
        "label": event_title(e),
        "note": event_note(e),
        "by": event_by(e),
        "fields": event_fields(e),
        "from_label": state(e.from_state) if e.from_state else "—",
        "to_label": state(e.to_state),
    }


def reminder_text(r) -> str:
    return str(Msg("tickets.event.reminder_text", number=r.order.number, deadline_at=r.deadline))


def escalation_text(e) -> str:
    code = "tickets.event.escalation_text1" if e.step == 1 else "tickets.event.escalation_text2"
    return str(Msg(code, number=e.order.number))
