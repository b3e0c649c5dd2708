"""The handover's declared state machine (pure data, no Django).

draft ──sign_out (outgoing)──▶ signed_out ──countersign (incoming)──▶ countersigned
  ▲                                 │
  └──────return (incoming, reason)──┘   the incoming side refuses an unclear diary (004:L661 交接要详细、明确)

Omissions and mis-receipts found later are recorded as issues against a signed handover; the liable
side follows 004:L669 (rules.responsible_side).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class State(StrEnum):
    DRAFT = "draft"
    SIGNED_OUT = "signed_out"
    COUNTERSIGNED = "countersigned"


STATE_LABELS = {State.DRAFT: "草稿", State.SIGNED_OUT: "已交班签字", State.COUNTERSIGNED: "已接班签字"}


class Actor(StrEnum):
    OUTGOING = "outgoing"
    INCOMING = "incoming"


@dataclass(frozen=True)
class T:
    name: str
    label: str
    src: State
    dst: State
    actor: Actor
    requires: tuple[str, ...] = field(default=())
    rule: str = ""


TRANSITIONS = [
    T("sign_out", "交班签字", State.DRAFT, State.SIGNED_OUT, Actor.OUTGOING, rule="004:L663"),
    T("countersign", "接班签字确认", State.SIGNED_OUT, State.COUNTERSIGNED, Actor.INCOMING, rule="004:L663, L669"),
    T("return", "退回补充", State.SIGNED_OUT, State.DRAFT, Actor.INCOMING, requires=("reason",), rule="004:L661"),
]
BY_NAME = {t.name: t for t in TRANSITIONS}

# The diary may be edited (items added, text changed) only while it is a draft: a signature covers what was signed.
EDITABLE = frozenset({State.DRAFT})


def find(name: str) -> T | None:
    return BY_NAME.get(name)


def available(state: State, actor: Actor | None) -> list[T]:
    return [t for t in TRANSITIONS if t.src == state and actor is not None and t.actor == actor]


# Liability records (004:L669): open → disputed (by the liable person) → upheld | dismissed (by a lead).
class IssueState(StrEnum):
    OPEN = "open"
    DISPUTED = "disputed"
    UPHELD = "upheld"
    DISMISSED = "dismissed"


@dataclass(frozen=True)
class IssueT:
    name: str
    src: frozenset
    dst: IssueState
    by: str  # "responsible" or "lead"


ISSUE_TRANSITIONS = {
    "dispute": IssueT("dispute", frozenset({IssueState.OPEN}), IssueState.DISPUTED, "responsible"),
    "uphold": IssueT("uphold", frozenset({IssueState.OPEN, IssueState.DISPUTED}), IssueState.UPHELD, "lead"),
    "dismiss": IssueT("dismiss", frozenset({IssueState.OPEN, IssueState.DISPUTED}), IssueState.DISMISSED, "lead"),
}
