"""KPIs of follow-up, per agent and for the center, over a period [start, end) (pure, no Django):

- callback timeliness: tasks done by their due time / tasks due in the period (done exactly at the due time is on
  time; a task not yet due at `now` and not done is not counted either way);
- return-visit coverage: replied complaints of the period whose return visit was made (reached, or lawfully closed:
  wrong number, refused, unreachable after the policy's tries) / replied complaints (002:L259: goal 100 %);
- satisfaction found on return visits (004:L1917 "关心询问客户对处理结果的满意程度") and on surveys (SMS or IVR,
  004:L1003): satisfied / answered, each and together.

Each agent's rows are those they own (a task's owner; a replied order's return-visit owner, else its acceptor; a
survey's order's acceptor). The center's row (key "") counts everything once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from kefu.followup.rules import Rate

CENTER = ""


@dataclass(frozen=True)
class TaskRow:
    owner: str
    due_at: datetime
    done_at: datetime | None  # completed (state done); None when open, closed without a visit or cancelled
    state: str


@dataclass(frozen=True)
class VisitRow:
    """A replied order that calls for a return visit: who answers for it, when it was replied, the visit's end."""

    agent: str
    replied_at: datetime
    visited: bool  # the visit was made (done, or closed as the policy allows)


@dataclass(frozen=True)
class AnswerRow:
    """A satisfaction found: on a return visit ('visit') or a survey ('sms' / 'ivr')."""

    agent: str
    at: datetime
    satisfied: bool
    channel: str


@dataclass
class _Counts:
    due: int = 0
    on_time: int = 0
    required: int = 0
    visited: int = 0
    answers: dict = field(default_factory=lambda: defaultdict(lambda: [0, 0]))  # channel -> [satisfied, answered]


@dataclass(frozen=True)
class Kpis:
    timeliness: Rate
    coverage: Rate
    visit_satisfied: Rate
    survey_satisfied: Rate
    satisfied: Rate


def _keys(agent: str) -> tuple[str, ...]:
    return (CENTER, agent) if agent else (CENTER,)  # a row without an agent counts for the center only


def compute(
    tasks: Iterable[TaskRow],
    visits: Iterable[VisitRow],
    answers: Iterable[AnswerRow],
    start: datetime,
    end: datetime,
    now: datetime,
) -> dict[str, Kpis]:
    """KPIs per agent (staff number) and for the center (key ""), over [start, end). An empty period gives the
    center's row with every rate None (nothing due is not 0 %, not 100 %)."""
    counts: dict[str, _Counts] = defaultdict(_Counts)
    counts[CENTER]  # noqa: B018  (the center's row exists even when nothing happened)
    for t in tasks:
        if t.state == "cancelled" or not start <= t.due_at < end:
            continue
        done = t.done_at if t.state == "done" else None
        if t.due_at > now and done is None:
            continue  # not due yet and not done
        on_time = done is not None and done <= t.due_at
        for key in _keys(t.owner):
            counts[key].due += 1
            counts[key].on_time += on_time
    for v in visits:
        if not start <= v.replied_at < end:
            continue
        for key in _keys(v.agent):
            counts[key].required += 1
            counts[key].visited += bool(v.visited)
    for a in answers:
        if not start <= a.at < end:
            continue
        for key in _keys(a.agent):
            pair = counts[key].answers[a.channel]
            pair[0] += bool(a.satisfied)
            pair[1] += 1
    out = {}
    for key, c in counts.items():
        visit = c.answers.get("visit", [0, 0])
        survey = [sum(p[i] for ch, p in c.answers.items() if ch != "visit") for i in (0, 1)]
        out[key] = Kpis(
            timeliness=Rate(c.on_time, c.due),
            coverage=Rate(min(c.visited, c.required), c.required),
            visit_satisfied=Rate(*visit),
            survey_satisfied=Rate(*survey),
            satisfied=Rate(visit[0] + survey[0], visit[1] + survey[1]),
        )
    return out
