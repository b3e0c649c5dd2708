"""Policies as data. Each app declares its section in `<app>/policy.py`:

    SECTION = "tickets"
    PRESETS = {"hotline": {...}, "gov12345": {...}, "ecommerce": {...}}   # values cite seed lines
    MODEL = TicketsPolicy   # the section typed: one pydantic model (kefu.org.policy_types), every key described
    def validate(data: dict) -> list[tuple[str, str]]: ...   # optional, rules across keys: (field, Chinese message)

A center's effective policy is the preset deep-merged with its administrator's overrides.
Code reads `policy_for(section, center)`; it never hard-codes a threshold.
"""

from __future__ import annotations

import copy
import json
import marshal
from functools import cache
from types import ModuleType

from kefu.org.policy_types import check, covered
from kefu.registry import app_modules

PRESET_NAMES = ("hotline", "gov12345", "ecommerce")
DEFAULT_PRESET = "hotline"


@cache
def sections() -> dict[str, ModuleType]:
    found: dict[str, ModuleType] = {}
    for app, module in app_modules("policy"):
        if hasattr(module, "SECTION"):
            missing = [p for p in PRESET_NAMES if p not in module.PRESETS]
            if missing:
                raise RuntimeError(f"{app}.policy 缺少预设 {missing}")
            if not hasattr(module, "MODEL"):
                raise RuntimeError(f"{app}.policy 缺少分区模型 MODEL（kefu.org.policy_types.PolicyModel）")
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
    """The effective policy section for a center (the default center when None).

    The Policy row is read every time (one small query, or the row remember_policy() kept for this
    request), so an edit — saved or QuerySet.update()d — counts at once in every process. Only the
    merge is cached, keyed by the row's content; each call gets its own copy to change at will.
    """
    from kefu.org.models import Center, Policy

    if center is None:
        center = Center.objects.order_by("id").first()
        if center is None:
            return preset_section(section)
    found = center.__dict__.get(_REMEMBERED, _UNSET)
    if found is _UNSET:
        # values_list, not center.policy: a row cached on the center would outlive an update.
        found = Policy.objects.filter(center=center).values_list("preset", "overrides").first()
    preset, overrides = found if found is not None else (DEFAULT_PRESET, {})
    over = overrides.get(section, {}) if isinstance(overrides, dict) else {}
    key = (section, preset, json.dumps(over, sort_keys=True, ensure_ascii=False, default=str))
    frozen = _MERGED.get(key)
    if frozen is None:
        if found is None:
            merged = preset_section(section)
        else:
            merged = deep_merge(preset_section(section, preset), over)
        frozen = _freeze(merged)
        if len(_MERGED) >= _MERGED_MAX:  # overrides are few; a bound only guards against churn
            _MERGED.clear()
        _MERGED[key] = frozen
    return _thaw(frozen)


_REMEMBERED = "_kefu_policy_row"
_UNSET = object()


def remember_policy(center) -> None:
    """Keep for policy_for the Policy row loaded with this center by select_related("...center__policy").

    Only for a center fetched for one request (the API's token authentication does it): the row is
    as fresh as the request, and services.update_policy refreshes it.
    """
    from kefu.org.models import Center

    rel = Center.policy.related
    if rel.is_cached(center):
        row = rel.get_cached_value(center)
        center.__dict__[_REMEMBERED] = (row.preset, row.overrides) if row is not None else None


def forget_policy(center, row=None) -> None:
    """After an update: the remembered row (if any) becomes the new one."""
    if _REMEMBERED in center.__dict__:
        center.__dict__[_REMEMBERED] = (row.preset, row.overrides) if row is not None else None


# (section, preset, overrides as canonical JSON) -> the merged section, frozen by _freeze.
_MERGED: dict[tuple[str, str, str], tuple[bool, object]] = {}
_MERGED_MAX = 512


def _freeze(value: dict) -> tuple[bool, object]:
    # Policies are JSON-like data: marshal copies them back many times faster than copy.deepcopy.
    try:
        return True, marshal.dumps(value)
    except ValueError:
        return False, copy.deepcopy(value)


def _thaw(frozen: tuple[bool, object]):
    marshalled, value = frozen
    return marshal.loads(value) if marshalled else copy.deepcopy(value)


def validate_overrides(preset: str, overrides: dict, center=None) -> list[tuple[str, str]]:
    """Errors as (field path, Chinese message); empty when the overrides are acceptable.

    Each overridden section is merged with the preset and checked by the section's model (types, ranges, enums,
    formats, unknown keys), then — when the data has the model's shape — by its `validate()` (rules across keys).
    Where `validate()` words a problem of a field itself, its sentence replaces the model's for that field. With a center, a section's optional
    `validate_center(merged, center, override)` also checks what the administrator changed against what only the
    center knows (its departments)."""
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
        if not isinstance(data, dict):
            errors.append((name, "应为对象"))
            continue
        errors.extend(section_errors(name, deep_merge(known[name].PRESETS[preset], data), override=data, center=center))
    return errors


def section_errors(name: str, merged: dict, *, override: dict | None = None, center=None) -> list[tuple[str, str]]:
    """The problems of one effective section (the preset merged with the overrides), fields prefixed with its name."""
    module = sections()[name]
    typed, readable = check(module.MODEL, merged, name)
    ruled: list[tuple[str, str]] = []
    validate = getattr(module, "validate", None)
    if validate and readable:
        try:
            ruled = [(f"{name}.{field}", msg) for field, msg in validate(merged)]
        except (KeyError, TypeError, ValueError, IndexError, AttributeError) as exc:
            if not typed:  # the model let through what the rules cannot read: say so rather than answer 500
                return [(name, f"参数结构不正确（{exc.__class__.__name__}）")]
            ruled = []
    # a hand-written sentence about a field (or an object holding it) stands for the model's about the same field
    errors = [(f, m) for f, m in typed if not any(covered(f, r) for r, _ in ruled)] + ruled
    validate_center = getattr(module, "validate_center", None)
    if validate_center and center is not None and not errors:
        errors.extend((f"{name}.{field}", msg) for field, msg in validate_center(merged, center, override or {}))
    return errors
