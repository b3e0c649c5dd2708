"""Policies as data. Each app declares its section in `<app>/policy.py`:

    SECTION = "tickets"
    PRESETS = {"hotline": {...}, "gov12345": {...}, "ecommerce": {...}}   # values cite seed lines
    def validate(data: dict) -> list[tuple[str, str]]: ...   # optional: (field, Chinese message)

A center's effective policy is the preset deep-merged with its administrator's overrides.
Code reads `policy_for(section, center)`; it never hard-codes a threshold.
"""
from __future__ import annotations

import copy
import importlib
from functools import cache
from types import ModuleType

from django.conf import settings

PRESET_NAMES = ("hotline", "gov12345", "ecommerce")
DEFAULT_PRESET = "hotline"


@cache
def sections() -> dict[str, ModuleType]:
    found: dict[str, ModuleType] = {}
    for app in settings.KEFU_APPS:
        try:
            module = importlib.import_module(f"{app}.policy")
        except ModuleNotFoundError as exc:
            if exc.name != f"{app}.policy":
                raise
            continue
        if hasattr(module, "SECTION"):
            missing = [p for p in PRESET_NAMES if p not in module.PRESETS]
            if missing:
                raise RuntimeError(f"{app}.policy 缺少预设 {missing}")
            found[module.SECTION] = module
    return found


def deep_merge(base: dict, over: dict) -> dict:
    out = copy.deepcopy(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def preset_section(section: str, preset: str = DEFAULT_PRESET) -> dict:
    return copy.deepcopy(sections()[section].PRESETS[preset])


def policy_for(section: str, center=None) -> dict:
    """The effective policy section for a center (the default center when None)."""
    from kefu.org.models import Center, Policy

    if center is None:
        center = Center.objects.order_by("id").first()
    policy = Policy.objects.filter(center=center).first() if center is not None else None
    if policy is None:
        return preset_section(section)
    return deep_merge(preset_section(section, policy.preset), policy.overrides.get(section, {}))


def validate_overrides(preset: str, overrides: dict) -> list[tuple[str, str]]:
    """Errors as (field path, Chinese message); empty when the overrides are acceptable."""
    errors: list[tuple[str, str]] = []
    known = sections()
    if preset not in PRESET_NAMES:
        errors.append(("preset", f"未知的预设：{preset}"))
        return errors
    if not isinstance(overrides, dict):
        return [("overrides", "覆盖项必须是 JSON 对象")]
    for name, data in overrides.items():
        if name not in known:
            errors.append((name, f"未知的制度分区：{name}"))
            continue
        type_errors = _type_errors(known[name].PRESETS[preset], data, name)
        errors.extend(type_errors)
        merged = deep_merge(known[name].PRESETS[preset], data)
        validate = getattr(known[name], "validate", None)
        if validate and not type_errors:
            errors.extend((f"{name}.{field}", msg) for field, msg in validate(merged))
    return errors


def _type_errors(base: dict, over: dict, path: str) -> list[tuple[str, str]]:
    errors = []
    for key, value in over.items():
        where = f"{path}.{key}"
        if key not in base:
            errors.append((where, "未知的参数"))
        elif isinstance(base[key], dict):
            if not isinstance(value, dict):
                errors.append((where, "应为对象"))
            else:
                errors.extend(_type_errors(base[key], value, where))
        elif isinstance(base[key], bool) != isinstance(value, bool) or (
            isinstance(base[key], (int, float)) and not isinstance(value, (int, float))
        ):
            errors.append((where, f"类型应与预设一致（{type(base[key]).__name__}）"))
    return errors
