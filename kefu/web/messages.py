"""The words of the web shell's notices: codes with parameters, rendered in the reader's language when shown."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

MESSAGES = {
    # a kefu rule refused the timer's work (field and rule of kefu.errors.Problem)
    "timers.rule": _("业务规则不允许（字段 %(field)s，规则 %(rule)s）"),
    # any other exception: its type and the innermost kefu line it passed through; the traceback is in the log
    "timers.error": _("程序错误 %(type)s（%(at)s）"),
}


def shown(code: str, params: dict | None = None) -> str:
    """The message of `code` in the active language, with its values (an unknown code shows as itself)."""
    message = MESSAGES.get(code)
    if message is None:
        return code
    try:
        return str(message) % (params or {})
    except (KeyError, TypeError, ValueError):
        return str(message)
