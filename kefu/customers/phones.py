"""Phone numbers as callers give them (pure). Mobile 1[3-9]xxxxxxxxx, landline 0xx(x)-xxxxxxx(x), 95xxx/400/800."""

from __future__ import annotations

import re

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}\d{7,8}$")
_SERVICE = re.compile(r"^(400|800)\d{7}$|^95\d{3,6}$|^1\d{4}$")


def normalize_phone(raw: str) -> str | None:
    """The canonical form of a phone number, or None when it is not one.

    Spaces, dashes and a +86/0086 prefix are dropped.
    """
    if raw is None:
        return None
    value = re.sub(r"[\s\-()（）]", "", str(raw))
    value = re.sub(r"^(\+86|0086)", "", value)
    if _MOBILE.match(value) or _LANDLINE.match(value) or _SERVICE.match(value):
        return value
    return None
