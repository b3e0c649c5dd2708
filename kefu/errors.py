"""Domain errors: each names the field and the broken rule, in Chinese, and changes nothing.

Services raise `RuleViolation` inside a transaction, so the write is rolled back; the API turns it
into JSON {"detail": [{"field", "rule", "message"}]} and the pages show the message beside the field.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kefu.messages import Msg


@dataclass(frozen=True)
class Problem:
    """One broken rule. `message` is a `kefu.messages.Msg` (code + parameters, rendered in the reader's language
    when shown) or, in code not yet moved to the catalogues, a finished Chinese sentence."""

    field: str | None
    rule: str
    message: str | Msg

    @classmethod
    def of(cls, code: str, *, field: str | None = None, **params) -> Problem:
        from kefu.messages import Msg

        return cls(field, code, Msg(code, **params))

    @property
    def text(self) -> str:
        return str(self.message)

    def as_dict(self) -> dict:
        return {"field": self.field, "rule": self.rule, "message": str(self.message)}


class RuleViolation(Exception):
    """A request that breaks a rule. status: 400 bad input, 403 not allowed, 404 missing, 409 conflict."""

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        rule: str = "invalid",
        status: int = 400,
        problems: list[Problem] | None = None,
    ):
        self.problems = problems or [Problem(field, rule, message)]
        self.status = status
        super().__init__("；".join(str(p.message) for p in self.problems))

    @classmethod
    def of(cls, code: str, *, field: str | None = None, status: int = 400, **params) -> RuleViolation:
        """A violation stated as data: `raise RuleViolation.of("tickets.dispatch.opinion_required", field=...)`."""
        problem = Problem.of(code, field=field, **params)
        return cls(problem.message, problems=[problem], status=status)

    @classmethod
    def many(cls, problems: list[Problem], status: int = 400) -> RuleViolation:
        return cls(problems[0].message, problems=problems, status=status)

    def __str__(self) -> str:  # rendered now, in the active language (not when raised)
        return "；".join(str(p.message) for p in self.problems)


class NotAllowed(RuleViolation):
    def __init__(self, message: str = "无权执行此操作", *, rule: str = "permission"):
        super().__init__(message, rule=rule, status=403)


class NotFound(RuleViolation):
    def __init__(self, what: str, *, field: str | None = None):
        super().__init__(f"{what}不存在", field=field, rule="not_found", status=404)


class Conflict(RuleViolation):
    def __init__(self, message: str, *, field: str | None = None, rule: str = "conflict"):
        super().__init__(message, field=field, rule=rule, status=409)


# --- HTTP errors that no service raised (unparsable body, CSRF, unknown URL, server error) ---------------------
# Django's and django-ninja's own messages are English sentences; kefu answers each with a field, a rule and Chinese.
_HTTP_MESSAGES = {
    "Cannot parse request body": (
        "body",
        "json_invalid",
        "请求体无法解析：应为合法的 JSON（Content-Type: application/json）",
    ),
    "CSRF check Failed": (
        None,
        "csrf",
        "CSRF 校验失败：页面请求须带 X-CSRFToken 请求头（请刷新页面后重试），集成请使用令牌认证",
    ),
}
_HTTP_STATUS = {
    400: ("bad_request", "请求不正确"),
    401: ("authentication", "未登录或令牌无效"),
    403: ("permission", "无权执行此操作"),
    404: ("not_found", "接口或对象不存在"),
    405: ("method", "不支持此请求方法"),
    413: ("too_large", "请求体过大"),
    429: ("throttled", "请求过于频繁，请稍后再试"),
    500: ("server_error", "服务器内部错误，请稍后重试；如持续出现请联系管理员"),
}


def http_problem(status: int, message: str = "") -> Problem:
    """The Problem for an HTTP error raised outside kefu's services: a known English message translated, a Chinese
    one kept, anything else described by its status."""
    for prefix, (field, rule, text) in _HTTP_MESSAGES.items():
        if message.startswith(prefix):
            return Problem(field, rule, text)
    rule, text = _HTTP_STATUS.get(status, ("http", f"请求失败（HTTP {status}）"))
    if any("\u4e00" <= ch <= "\u9fff" for ch in message):
        return Problem(None, rule, message)
    return Problem(None, rule, text)
