"""@mentions in an internal comment (pure: plain data in, plain data out).

A mention is "@" followed by a staff number (@1001) or a name (@张三). Names are matched longest first, so "@张三丰"
names 张三丰 and not 张三; a name that several staff share names nobody and is reported as ambiguous (the writer then
uses the staff number). An "@" not followed by a known number or name (an e-mail address) is plain text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_AT = re.compile(r"(?<![A-Za-z0-9_.])@")
_NUMBER = re.compile(r"[A-Za-z0-9_-]+")


@dataclass
class Found:
    staff_ids: list[int] = field(default_factory=list)  # in order of first mention, each once
    ambiguous: list[str] = field(default_factory=list)  # names shared by several staff


def find(text: str, numbers: dict[str, int], names: dict[str, list[int]]) -> Found:
    """The staff a text mentions: `numbers` maps staff number -> id, `names` maps name -> ids of staff of that name."""
    found = Found()
    by_length = sorted(names, key=len, reverse=True)
    for at in _AT.finditer(text or ""):
        rest = text[at.end() :]
        number = _NUMBER.match(rest)
        if number and number.group() in numbers:
            _add(found, numbers[number.group()])
            continue
        for name in by_length:
            if name and rest.startswith(name):
                ids = names[name]
                if len(ids) == 1:
                    _add(found, ids[0])
                elif name not in found.ambiguous:
                    found.ambiguous.append(name)
                break
    return found


def _add(found: Found, staff_id: int) -> None:
    if staff_id not in found.staff_ids:
        found.staff_ids.append(staff_id)
