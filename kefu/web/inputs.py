"""Input from outside, handled once: control characters cleaned from every text, dates parsed by one helper.

Control characters (issue 12): **cleaned, not refused.** They are invisible, so a user who pasted them from a
terminal or another system could not find them to delete them, and none of them carries meaning in kefu's
texts. Every query string, form and URL part (`InputMiddleware`) and every API body and query (`CleaningParser`,
the NinjaAPI's parser) loses C0/C1 controls except tab, line feed and carriage return (kept: multi-line texts
need them and they are legal everywhere), DEL, lone surrogates (not storable as UTF-8) and the
non-characters U+FFFE/U+FFFF. NUL would otherwise answer 500 on PostgreSQL, and ESC breaks Excel exports
(those clean their cells again in `kefu.web.sheets`, for data stored before this rule).

Dates in queries and forms: `parse_day`, `parse_month` and `parse_moment` return None for an empty value
and raise `RuleViolation` naming the field ("开始日期：2026-02-30 不是有效日期") for an impossible or
malformed one; never a silent default. The API turns it into {"detail": [...]} (400); a page view that lets
it escape gets a 400 page saying so (`InputMiddleware.process_exception`) instead of a 500.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from django.http import QueryDict
from django.shortcuts import render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from ninja.parser import Parser

from kefu.errors import RuleViolation

# C0 controls but \t \n \r, DEL and C1 controls, UTF-16 surrogates, the non-characters U+FFFE/U+FFFF.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_MONTH = re.compile(r"(\d{4})-(\d{1,2})")
_SHOWN_MAX = 40  # characters of a bad value repeated in a message


def clean_text(value: str) -> str:
    return CONTROL_CHARACTERS.sub("", value)


def clean_data(value):
    """Strings, and the strings (keys too) inside lists and dicts, without control characters."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {clean_data(k): clean_data(v) for k, v in value.items()}
    if isinstance(value, list):
        return [clean_data(v) for v in value]
    return value


def clean_querydict(data: QueryDict) -> QueryDict:
    if not any(
        CONTROL_CHARACTERS.search(key) or any(CONTROL_CHARACTERS.search(v) for v in values)
        for key, values in data.lists()
    ):
        return data
    cleaned = QueryDict(mutable=True, encoding=data.encoding)
    for key, values in data.lists():
        cleaned.setlist(clean_text(key), [clean_text(v) for v in values])
    return QueryDict(cleaned.urlencode(), encoding=data.encoding)  # immutable, as Django's own


class CleaningParser(Parser):
    """The API's parser: JSON bodies, query strings and forms without control characters."""

    def parse_body(self, request):
        return clean_data(super().parse_body(request))

    def parse_querydict(self, data, list_fields, request):
        return clean_data(super().parse_querydict(data, list_fields, request))


class InputMiddleware:
    """Pages: the query string and the form without control characters; a RuleViolation a view lets escape
    (an impossible date in the query string) answers a 400 page with its message, never a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.GET = clean_querydict(request.GET)
        if request.method == "POST" and request.content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            request.POST = clean_querydict(request.POST)
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        # The URL's own parts (a staff number, a phrase code): Django passes this very dict to the view, and ninja
        # reads its path parameters from it.
        for key, value in view_kwargs.items():
            if isinstance(value, str):
                view_kwargs[key] = clean_text(value)

    def process_exception(self, request, exception):
        if not isinstance(exception, RuleViolation) or request.path.startswith("/api/"):
            return None
        return render(
            request,
            "web/bad_input.html",
            {"problems": exception.problems, "back": request.path},
            status=exception.status,
        )


def _shown(raw: str) -> str:
    return raw if len(raw) <= _SHOWN_MAX else raw[:_SHOWN_MAX] + "…"


def _text(raw, label, field: str) -> str:
    if raw is None:
        return ""
    if not isinstance(raw, str):
        raise RuleViolation(_("%(label)s应为文字") % {"label": label}, field=field, rule="type")
    return raw.strip()


def _required(label, field: str):
    raise RuleViolation(_("请填写%(label)s") % {"label": label}, field=field, rule="required")


def parse_day(raw, label, *, field: str, required: bool = False) -> date | None:
    """A date written YYYY-MM-DD; None when empty (unless required)."""
    if isinstance(raw, date) and not isinstance(raw, datetime):
        return raw
    text = _text(raw, label, field)
    if not text:
        return _required(label, field) if required else None
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    if _ISO_DAY.fullmatch(text):
        message = _("%(label)s：%(value)s 不是有效日期") % {"label": label, "value": text}
    else:
        message = _("%(label)s格式不正确：%(value)s（应为 YYYY-MM-DD）") % {"label": label, "value": _shown(text)}
    raise RuleViolation(message, field=field, rule="date")


def parse_month(raw, label, *, field: str, required: bool = False) -> date | None:
    """A month written YYYY-MM, as its first day; None when empty (unless required)."""
    text = _text(raw, label, field)
    if not text:
        return _required(label, field) if required else None
    match = _ISO_MONTH.fullmatch(text)
    if match is None:
        message = _("%(label)s格式不正确：%(value)s（应为 YYYY-MM）") % {"label": label, "value": _shown(text)}
        raise RuleViolation(message, field=field, rule="month")
    try:
        return date(int(match.group(1)), int(match.group(2)), 1)
    except ValueError:
        raise RuleViolation(
            _("%(label)s：%(value)s 不是有效月份") % {"label": label, "value": text}, field=field, rule="month"
        ) from None


def parse_moment(raw, label, *, field: str, required: bool = False, tz=None) -> datetime | None:
    """A date and time (YYYY-MM-DD HH:MM, a T allowed, seconds and offset optional; a plain date means its
    midnight), aware in `tz` (default: the current time zone) when written without offset."""
    if isinstance(raw, datetime):
        value = raw
    else:
        text = _text(raw, label, field)
        if not text:
            return _required(label, field) if required else None
        try:
            value = parse_datetime(text)
            impossible = value is None and _ISO_DAY.fullmatch(text) is not None
        except ValueError:
            value, impossible = None, True
        if impossible:
            raise RuleViolation(
                _("%(label)s：%(value)s 不是有效的日期时间") % {"label": label, "value": text},
                field=field,
                rule="datetime",
            )
        if value is None:
            message = _("%(label)s格式不正确：%(value)s（应为 YYYY-MM-DD HH:MM）") % {
                "label": label,
                "value": _shown(text),
            }
            raise RuleViolation(message, field=field, rule="datetime")
    return timezone.make_aware(value, tz) if timezone.is_naive(value) else value
