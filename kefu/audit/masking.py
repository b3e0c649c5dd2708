"""Masking of customer data for display (pure). 138****5678 as in SPEC §Privacy."""

from __future__ import annotations


def mask_phone(phone: str | None) -> str:
    if not phone:
        return ""
    digits = phone.strip()
    if len(digits) >= 11:
        return digits[:3] + "****" + digits[-4:]
    if len(digits) >= 7:
        return digits[:2] + "*" * (len(digits) - 4) + digits[-2:]
    return "*" * len(digits)


def mask_name(name: str | None) -> str:
    """张三 -> 张*, 欧阳娜娜 -> 欧***; the surname stays so that agents can say 张先生/小姐."""
    if not name:
        return ""
    return name[0] + "*" * (len(name) - 1)


def mask_text(text: str | None, keep: int = 6) -> str:
    """Addresses and the like: keep the first characters (district), hide the rest."""
    if not text:
        return ""
    return text[:keep] + ("***" if len(text) > keep else "")
