"""The evaluation's states and transitions, declared once (no Django import).

An inspector scores a sampled call; the agent sees the score and acknowledges it, or appeals;
an appeal goes to the team lead, who upholds the score or revises it. Scoring criteria are visible
to the agent (业务员应该完整地了解评分方法, 004:L1535).
"""
from __future__ import annotations

from dataclasses import dataclass, field

ASSIGNED = "assigned"
SCORED = "scored"
ACKNOWLEDGED = "acknowledged"
APPEALED = "appealed"
UPHELD = "upheld"
REVISED = "revised"

STATE_LABELS = {
    ASSIGNED: "待评分",
    SCORED: "已评分待确认",
    ACKNOWLEDGED: "已确认",
    APPEALED: "申诉中",
    UPHELD: "申诉驳回（维持原分）",
    REVISED: "申诉改分",
}
FINAL = {ACKNOWLEDGED, UPHELD, REVISED}

# Who fires a transition: "inspector" = the evaluation's inspector, "agent" = the evaluated agent,
# "team_lead" = the lead of the agent's team.
@dataclass(frozen=True)
class T:
    name: str
    src: frozenset[str]
    dst: str
    actor: str
    label: str
    requires: tuple[str, ...] = field(default_factory=tuple)


TRANSITIONS = [
    T("score", frozenset({ASSIGNED}), SCORED, "inspector", "评分", ("marks",)),  # 004:L943
    T("acknowledge", frozenset({SCORED}), ACKNOWLEDGED, "agent", "确认成绩"),  # 004:L1535
    T("appeal", frozenset({SCORED}), APPEALED, "agent", "提出申诉", ("reason",)),
    T("uphold", frozenset({APPEALED}), UPHELD, "team_lead", "维持原分", ("decision_note",)),
    T("revise", frozenset({APPEALED}), REVISED, "team_lead", "改分", ("decision_note", "marks")),
]
BY_NAME = {t.name: t for t in TRANSITIONS}


def available(state: str) -> list[T]:
    return [t for t in TRANSITIONS if state in t.src]


def find(name: str) -> T:
    return BY_NAME[name]
