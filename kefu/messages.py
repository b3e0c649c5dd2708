"""Messages as data: a code with named parameters, rendered in the reader's language only when shown.

Each app keeps one catalogue, `<app>/messages.py` with `MESSAGES = {"tickets.dispatch.opinion_required":
_("派单必须填写派送意见"), ...}` where `_` is `gettext_noop` (it only marks the msgid for extraction); codes start with
the app's label. Services and pure modules raise and store `Msg(code, **params)`; events and history rows keep
`code` + `params` (JSON); the API, the pages and exports call `render` (or `str(msg)`) in the active language.

A parameter may itself be a `Msg` (a state's or a field's label), a date or datetime (shown in the center's local
time, readably: 2026-12-07 14:05), a Decimal or a number; lists are joined with the language's list separator.
Stored parameters are JSON, so a stored label is `{"code": ..., "params": {...}}` and a stored time an ISO string
under the key `at` or a key ending in `_at` (rendered as a local time).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Any

from django.utils import timezone
from django.utils.translation import get_language, gettext, gettext_noop

from kefu.registry import app_modules

_ = gettext_noop

# The kernel's own messages (the workflow kernel and the caller scope).
MESSAGES = {
    "common.required": _("%(field_label)s：必须填写"),
    "common.too_long": _("%(field_label)s：最多 %(max)s 个字，当前 %(length)s 个字"),
    "common.not_text": _("%(field_label)s：应为文字"),
    "common.not_a_choice": _("%(field_label)s：%(value)s 不是可选的值"),
    "common.not_found": _("%(what)s不存在"),
    "common.not_allowed": _("当前角色无权执行此操作"),
    "scope.no_staff": _("当前账号未关联任何中心的工作人员，不能使用此功能"),
    "scope.other_center": _("%(what)s不属于您所在的中心"),
    "scope.other_department": _("%(what)s不属于您所在的部门"),
    "workflow.unknown_transition": _("没有名为 %(name)s 的操作"),
    "workflow.wrong_state": _("%(action)s：当前状态为“%(state)s”，不能执行此操作"),
    "workflow.not_your_role": _("%(action)s：您的角色不能执行此操作"),
    "workflow.not_your_party": _("%(action)s：只有%(parties)s可以执行此操作"),
    "workflow.version_conflict": _("已被他人修改，请刷新后重试"),  # params current/given stay in the data, not the text
    "workflow.not_for_variant": _("%(action)s：不适用于%(variant)s"),
    "workflow.own_request": _("%(action)s：不能审批自己提出的申请"),
    "workflow.unexpected_field": _("%(action)s：不接受字段 %(field_name)s"),
    "workflow.party.subject": _("当事人本人"),
    "workflow.party.owner": _("负责人"),
    "workflow.party.department": _("所属部门的人员"),
    "workflow.party.not_requester": _("申请人以外的审批人"),
    "workflow.party.anyone": _("有权限的人员"),
}


@dataclass(frozen=True)
class Msg:
    """A message: its code and named parameters. `str(msg)` renders it in the active language."""

    code: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def __init__(self, code: str, params: Mapping[str, Any] | None = None, /, **kwargs):
        object.__setattr__(self, "code", code)
        object.__setattr__(self, "params", {**(params or {}), **kwargs})

    def __str__(self) -> str:
        return render(self.code, self.params)

    def as_data(self) -> dict:
        """The JSON form kept in events and history rows."""
        return {"code": self.code, "params": {k: to_data(v) for k, v in self.params.items()}}

    @classmethod
    def from_data(cls, data: Mapping) -> Msg:
        return cls(data["code"], data.get("params") or {})


def to_data(value):
    """A parameter as JSON: labels as {"code", "params"}, times as ISO strings, decimals as strings."""
    if isinstance(value, Msg):
        return value.as_data()
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple | set | frozenset):
        return [to_data(v) for v in value]
    return value


@cache
def catalogue() -> dict[str, str]:
    """Every app's MESSAGES and the kernel's; a code declared twice is an error at start-up."""
    table = dict(MESSAGES)
    for _label, module in app_modules("messages"):
        for code, text in getattr(module, "MESSAGES", {}).items():
            if code in table:
                raise RuntimeError(f"消息代码重复声明：{code}")
            table[code] = text
    return table


def known(code: str) -> bool:
    return code in catalogue()


def render(code: str, params: Mapping[str, Any] | None = None) -> str:
    """The message in the active language. An unknown code is shown as itself (a missing entry is a test failure,
    see kefu/tests/test_messages.py, never a crash in front of a user)."""
    template = catalogue().get(code)
    if template is None:
        return code
    shown = {k: _shown(k, v) for k, v in (params or {}).items()}
    text = gettext(str(template))  # a catalogue may mark its msgids with gettext_noop or gettext_lazy
    try:
        return text % shown if shown or "%(" in text else text
    except (KeyError, ValueError, TypeError):
        return text


def _shown(key: str, value) -> str:
    if isinstance(value, Msg):
        return str(value)
    if isinstance(value, Mapping) and "code" in value:
        return render(value["code"], value.get("params"))
    if isinstance(value, datetime):
        return local_time(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str) and (key == "at" or key.endswith("_at")):
        try:
            return local_time(datetime.fromisoformat(value))
        except ValueError:
            return value
    if isinstance(value, list | tuple | set | frozenset):
        return (", " if (get_language() or "").startswith("en") else "、").join(_shown(key, v) for v in value)
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


def local_time(moment: datetime) -> str:
    """A time as staff read it: local time, to the minute, no zone suffix or seconds."""
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return moment.strftime("%Y-%m-%d %H:%M")
