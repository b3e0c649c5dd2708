"""Policies as data. Each app declares its section in `<app>/policy.py`:

    SECTION = "tickets"
    PRESETS = {"hotline": {...}, "gov12345": {...}, "ecommerce": {...}}   # values cite seed lines
    def validate(data: dict) -> list[tuple[str, str]]: ...   # optional: (field, Chinese message)

A center's effective policy is the preset deep-merged with its administrator's overrides.
Code reads `policy_for(section, center)`; it never hard-codes a threshold.
"""
from __future__ import annotations

import copy
import json
import marshal
from functools import cache
from types import ModuleType

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
    """Errors as (field path, Chinese message); empty when the overrides are acceptable. With a center, a section's
    optional `validate_center(merged, center, override)` also checks what the administrator changed against what only
    the center knows (its departments)."""
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
            try:
                errors.extend((f"{name}.{field}", msg) for field, msg in validate(merged))
                validate_center = getattr(known[name], "validate_center", None)
                if validate_center and center is not None:
                    errors.extend((f"{name}.{field}", msg) for field, msg in validate_center(merged, center, data))
            except (KeyError, TypeError, ValueError, IndexError, AttributeError) as exc:
                errors.append((name, f"参数结构不正确（{exc.__class__.__name__}: {exc}）"))
    return errors


def _type_errors(base: dict, over: dict, path: str) -> list[tuple[str, str]]:
    """Overrides must have the preset's shape: same keys and types; lists hold items shaped like the preset's.

    Two kinds of object accept new keys: an empty mapping in the preset (e.g. an agent map the center fills)
    and a collection of records (every value an object, e.g. leave kinds), where a new record needs the
    fields of the existing ones.
    """
    errors: list[tuple[str, str]] = []
    for key, value in over.items():
        where = f"{path}.{key}"
        if key in base:
            errors.extend(_value_errors(base[key], value, where))
        elif not base:
            continue
        elif all(isinstance(v, dict) for v in base.values()):
            errors.extend(_value_errors(next(iter(base.values())), value, where, complete=True))
        else:
            errors.append((where, "未知的参数"))
    return errors


def _value_errors(base, value, where: str, complete: bool = False) -> list[tuple[str, str]]:
    if isinstance(base, dict):
        if not isinstance(value, dict):
            return [(where, "应为对象")]
        missing = [k for k in base if k not in value] if complete else []
        return [(f"{where}.{k}", "缺少此项") for k in missing] + _type_errors(base, value, where)
    if isinstance(base, list):
        if not isinstance(value, list):
            return [(where, "应为列表")]
        if not base:
            return []
        template = base[0]
        if all(isinstance(b, dict) for b in base):
            # The items' keys together (a ladder's last rung may add a key the others lack, e.g. a dismissal
            # proposal); a field that is null in any preset item (the last rung's max_days) accepts any value.
            keys = dict.fromkeys(k for b in base for k in b)
            template = {k: (None if any(k in b and b[k] is None for b in base)
                            else next(b[k] for b in base if k in b)) for k in keys}
        elif all(isinstance(b, list) for b in base) and len({len(b) for b in base}) == 1:
            # rows of a fixed shape (a grade band [lowest score, grade]): checked position by position
            size = len(base[0])
            errors = []
            for i, item in enumerate(value):
                if not isinstance(item, list) or len(item) != size:
                    errors.append((f"{where}[{i}]", f"应为 {size} 项的列表"))
                    continue
                for j, (b, v) in enumerate(zip(base[0], item, strict=True)):
                    errors.extend(_value_errors(b, v, f"{where}[{i}][{j}]"))
            return errors
        return [e for i, item in enumerate(value) for e in _value_errors(template, item, f"{where}[{i}]")]
    if base is None:
        return []
    if isinstance(base, bool) != isinstance(value, bool):
        return [(where, "应为布尔值（true/false）" if isinstance(base, bool) else f"类型应与预设一致（{type(base).__name__}）")]
    if isinstance(base, (int, float)) and not isinstance(value, (int, float)):
        return [(where, "应为数字")]
    if isinstance(base, str) and not isinstance(value, str):
        return [(where, "应为字符串")]
    return []
