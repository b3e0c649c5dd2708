"""Domain errors: each names the field and the broken rule, in Chinese, and changes nothing.

Services raise `RuleViolation` inside a transaction, so the write is rolled back; the API turns it
into JSON {"detail": [{"field", "rule", "message"}]} and the pages show the message beside the field.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    field: str | None
    rule: str
    message: str

    def as_dict(self) -> dict:
        return {"field": self.field, "rule": self.rule, "message": self.message}


class RuleViolation(Exception):
    """A request that breaks a rule. status: 400 bad input, 403 not allowed, 404 missing, 409 conflict."""

    def __init__(self, message: str, *, field: str | None = None, rule: str = "invalid", status: int = 400,
                 problems: list[Problem] | None = None):
        self.problems = problems or [Problem(field, rule, message)]
        self.status = status
        super().__init__("；".join(p.message for p in self.problems))

    @classmethod
    def many(cls, problems: list[Problem], status: int = 400) -> "RuleViolation":
        return cls(problems[0].message, problems=problems, status=status)


class NotAllowed(RuleViolation):
    def __init__(self, message: str = "无权执行此操作", *, rule: str = "permission"):
        super().__init__(message, rule=rule, status=403)


class NotFound(RuleViolation):
    def __init__(self, what: str, *, field: str | None = None):
        super().__init__(f"{what}不存在", field=field, rule="not_found", status=404)


class Conflict(RuleViolation):
    def __init__(self, message: str, *, field: str | None = None, rule: str = "conflict"):
        super().__init__(message, field=field, rule=rule, status=409)
