"""Typed policy sections: the building blocks of each app's policy model (issue 13, item 7).

Each app's `policy.py` declares, next to its PRESETS, one pydantic model of its section:

    class TicketsPolicy(PolicyModel):
        retention_days: Int(gt=0) = Field(description="归档或撤销的工单保存天数，到期销毁")  # SPEC privacy
    MODEL = TicketsPolicy

Every key is typed and required (a center's effective section is the preset merged with its overrides, so it always
has every key); unknown keys are refused. The leaf types below carry their rule as one Chinese sentence, which is
what the administrator reads when a value breaks it ("tickets.retention_days：必须是大于 0 的整数") and what
docs/policies.md prints in its type column. The model only checks: policy_for() keeps returning the plain data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, Strict, ValidationError, WrapValidator
from pydantic_core import PydanticCustomError

TIME_PATTERN = r"^([01]\d|2[0-3]):[0-5]\d$"


class PolicyModel(BaseModel):
    """A policy section or one of its objects: every key typed, no unknown key."""

    model_config = ConfigDict(extra="forbid", hide_input_in_errors=True)


@dataclass(frozen=True)
class Rule:
    """What a leaf value must be: `kind` for the docs' type column, `text` for the error message."""

    kind: str
    text: str


def _one_message(text: str) -> WrapValidator:
    """Whatever fails inside (the type, a bound, the pattern), the administrator reads the one rule."""

    def wrap(value, handler):
        try:
            return handler(value)
        except ValidationError:
            raise PydanticCustomError("policy_rule", "{rule}", {"rule": text}) from None

    return WrapValidator(wrap)


def _num(value) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _bounds(gt=None, ge=None, lt=None, le=None) -> tuple[str, str]:
    """(words for the message, symbols for the docs): 'gt=0' -> ('大于 0 的', '> 0')."""
    if ge is not None and le is not None:
        return f" {_num(ge)} 到 {_num(le)} 之间的", f"{_num(ge)}–{_num(le)}"  # "必须是 0 到 1 之间的数"
    low = f"大于 {_num(gt)}" if gt is not None else f"不小于 {_num(ge)}" if ge is not None else ""
    high = f"小于 {_num(lt)}" if lt is not None else f"不超过 {_num(le)}" if le is not None else ""
    low_sym = f"> {_num(gt)}" if gt is not None else f"≥ {_num(ge)}" if ge is not None else ""
    high_sym = f"< {_num(lt)}" if lt is not None else f"≤ {_num(le)}" if le is not None else ""
    words = " 且".join(w for w in (low, high) if w)
    symbols = ", ".join(s for s in (low_sym, high_sym) if s)
    return (f"{words} 的" if words else ""), symbols


def _leaf(annotation, kind: str, text: str, null: bool, *constraints):
    inner = Annotated[annotation, *constraints]
    if null:
        kind, text = f"{kind} 或 null", f"{text}，或为 null（不设）"
        inner = inner | None
    return Annotated[inner, _one_message(text), Rule(kind, text)]


def Int(*, gt=None, ge=None, lt=None, le=None, null: bool = False):  # noqa: N802 - a type, read as one
    """A whole number (not true/false, not "15")."""
    words, symbols = _bounds(gt, ge, lt, le)
    text = f"必须是{words}整数" if words else "应为整数"
    return _leaf(int, f"整数 {symbols}".strip(), text, null, Strict(), Field(gt=gt, ge=ge, lt=lt, le=le))


def Num(*, gt=None, ge=None, lt=None, le=None, null: bool = False):  # noqa: N802
    """A number, whole or not."""
    words, symbols = _bounds(gt, ge, lt, le)
    text = f"必须是{words}数" if words else "应为数字"
    return _leaf(float, f"数 {symbols}".strip(), text, null, Strict(), Field(gt=gt, ge=ge, lt=lt, le=le))


def Bool():  # noqa: N802
    return _leaf(bool, "true/false", "应为布尔值（true/false）", False, Strict())


def Text(*, min_length: int | None = None, max_length: int | None = None, null: bool = False):  # noqa: N802
    if min_length and max_length:
        text, kind = f"必须是 {min_length} 到 {max_length} 个字的文字", f"文字（{min_length}–{max_length} 字）"
    elif max_length:
        text, kind = f"必须是文字，至多 {max_length} 个字", f"文字（≤ {max_length} 字）"
    elif min_length:
        text, kind = "必须是不为空的文字", "文字（非空）"
    else:
        text, kind = "应为文字", "文字"
    return _leaf(str, kind, text, null, Strict(), Field(min_length=min_length, max_length=max_length))


def Code(pattern: str, text: str, kind: str = "代码"):  # noqa: N802
    """A code or identifier matching `pattern`, with the message that says what it must look like."""
    return _leaf(str, kind, text, False, Strict(), Field(pattern=pattern))


def Time(*, null: bool = False):  # noqa: N802
    """A time of day, "HH:MM" from 00:00 to 23:59."""
    return _leaf(
        str, "时间 HH:MM", "必须是 HH:MM 格式的时间（00:00-23:59）", null, Strict(), Field(pattern=TIME_PATTERN)
    )


def _one_of(values: tuple):
    def check(value):
        if not any(value == v and type(value) is type(v) for v in values):
            raise ValueError(value)
        return value

    return check


def MonthDay():  # noqa: N802
    """A day of the year, "MM-DD" (05-17)."""
    return _leaf(
        str,
        "日期 MM-DD",
        "必须是 MM-DD 格式的日期（如 05-17）",
        False,
        Strict(),
        Field(pattern=r"^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$"),
    )


def Choice(*values, null: bool = False, kind: str = ""):  # noqa: N802
    """One of the listed values (of the same type: 30, not "30")."""
    shown = "、".join("空" if v == "" else str(v) for v in values)
    kind = kind or " / ".join('""' if v == "" else str(v) for v in values)
    return _leaf(Any, kind, f"只能是 {shown} 之一", null, BeforeValidator(_one_of(values)))


def RoleCode():  # noqa: N802
    """A role of kefu.org.roles (agent, supervisor, …)."""
    from kefu.org.roles import Role

    return Choice(*(r.value for r in Role), kind="角色代码")


def _decimal_text(ge, lt):
    def check(value):
        if isinstance(value, bool) or not isinstance(value, str):
            raise ValueError(value)
        try:
            amount = Decimal(value)
        except InvalidOperation:
            raise ValueError(value) from None
        if (
            not amount.is_finite()
            or (ge is not None and amount < Decimal(str(ge)))
            or (lt is not None and amount >= Decimal(str(lt)))
        ):
            raise ValueError(value)
        return value

    return check


def DecimalText(*, ge=0, lt=None, null: bool = False):  # noqa: N802
    """A decimal written as text ("20", "0.01"): money and rates, exact."""
    words, symbols = _bounds(ge=ge, lt=lt)
    text = f'必须是写成文字的{words}数（如 "20" 或 "0.5"）'
    return _leaf(str, f"文字数 {symbols}".strip(), text, null, BeforeValidator(_decimal_text(ge, lt)))


def List(item, *, min_length: int | None = None):  # noqa: N802
    """A list; each item is checked with its own rule (the error names the item: shifts[2].start)."""
    return Annotated[list[item], Field(min_length=min_length)]


def Map(value, key=str):  # noqa: N802
    """An object of free keys (codes) to values of one type."""
    return dict[key, value]


def _row_length(size: int):
    def check(value):
        if not isinstance(value, list | tuple) or len(value) != size:
            raise PydanticCustomError("policy_shape", "{rule}", {"rule": f"应为 {size} 项的列表"})
        return value

    return check


def Row(*items):  # noqa: N802
    """A list of a fixed shape, e.g. a grade band [lowest score, grade]: checked position by position."""
    return Annotated[tuple[items], BeforeValidator(_row_length(len(items)))]


# ------------------------------------------------------------------------------------------- error messages

_TEXTS = {
    "extra_forbidden": "未知的参数",
    "missing": "缺少此项",
    "model_type": "应为对象",
    "model_attributes_type": "应为对象",
    "dict_type": "应为对象",
    "list_type": "应为列表",
    "tuple_type": "应为列表",
    "int_type": "应为整数",
    "float_type": "应为数字",
    "bool_type": "应为布尔值（true/false）",
    "string_type": "应为文字",
}


def _message(error: dict) -> str:
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind in ("policy_rule", "policy_shape"):
        return ctx.get("rule") or error["msg"]
    if kind == "too_short":
        return f"至少要有 {ctx.get('min_length')} 项"
    if kind == "too_long":
        return f"至多 {ctx.get('max_length')} 项"
    if kind == "literal_error":
        return f"只能是 {ctx.get('expected')} 之一"
    return _TEXTS.get(kind, "取值不符合要求")


def dotted(loc: tuple, prefix: str = "") -> str:
    """('templates', 0, 'start') -> 'templates[0].start' (with a prefix: 'shifts.templates[0].start')."""
    out = prefix
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


# errors that leave the data unreadable for rules across keys (a list where an object belongs, a missing key)
_SHAPE = {
    "extra_forbidden",
    "missing",
    "model_type",
    "model_attributes_type",
    "dict_type",
    "list_type",
    "tuple_type",
    "policy_shape",
}


def check(model: type[BaseModel], data: Any, prefix: str = "") -> tuple[list[tuple[str, str]], bool]:
    """(errors as (field path, Chinese message), whether the data has the model's shape: objects, lists and keys
    where they belong, so that code reading it across keys will not trip)."""
    try:
        model.model_validate(data)
    except ValidationError as exc:
        found = exc.errors()
        return (
            [(dotted(err["loc"], prefix) or prefix, _message(err)) for err in found],
            not any(err["type"] in _SHAPE for err in found),
        )
    return [], True


def model_errors(model: type[BaseModel], data: Any, prefix: str = "") -> list[tuple[str, str]]:
    """Errors as (field path, Chinese message); empty when `data` fits the model."""
    return check(model, data, prefix)[0]


def covered(field: str, by: str) -> bool:
    """True when `field` is `by` or lies inside it (levels.3.amount inside levels.3)."""
    return field == by or field.startswith((f"{by}.", f"{by}["))


CODE_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
