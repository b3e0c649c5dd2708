"""Pure rules of follow-up (no Django): due times of return visits and callbacks, when a task may be closed
without reaching the customer, and the callback KPIs. Plain data in, plain data out (tests/test_rules.py)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

# Attempt outcomes. A failed attempt is one where nobody could be talked to.
REACHED, NO_ANSWER, BUSY, POWERED_OFF, WRONG_NUMBER, REFUSED, CALL_LATER = (
    "reached",
    "no_answer",
    "busy",
    "powered_off",
    "wrong_number",
    "refused",
    "call_later",
)
OUTCOMES = (REACHED, NO_ANSWER, BUSY, POWERED_OFF, WRONG_NUMBER, REFUSED, CALL_LATER)
FAILED = frozenset({NO_ANSWER, BUSY, POWERED_OFF})

# Closures without a completed visit (002:L259 "如联系信息有误或3—5次联系不上的可做结案").
UNREACHABLE, CLOSURES = "unreachable", ("unreachable", WRONG_NUMBER, REFUSED)


def return_visit_due(result_at: datetime, hours: int) -> datetime:
    """回访: the result reaches the customer within `hours` of the department's result (002:L259: 72 h)."""
    return result_at + timedelta(hours=hours)


def days_after(day: date, days: int) -> date:
    """A visit due `days` after a day: member visit D+3 (002:L397), new buyer D+2 after shipping, R+5 after receipt
    (001:L310-312)."""
    return day + timedelta(days=days)


def segment(first_purchase: date, today: date, long_term_days: int) -> str:
    """E-commerce segment of a buyer: 'long_term' once the first purchase is more than `long_term_days` old
    (001:L314 一个月以上的买家), else 'recent'."""
    return "long_term" if (today - first_purchase).days > long_term_days else "recent"


def closable(outcomes: Iterable[str], max_failed: int) -> frozenset[str]:
    """The closures the attempts so far allow: wrong number and refused at once, unreachable after `max_failed`
    failed attempts (002:L259)."""
    outcomes = list(outcomes)
    allowed = set()
    if WRONG_NUMBER in outcomes:
        allowed.add(WRONG_NUMBER)
    if REFUSED in outcomes:
        allowed.add(REFUSED)
    if sum(1 for o in outcomes if o in FAILED) >= max_failed:
        allowed.add(UNREACHABLE)
    return frozenset(allowed)


@dataclass(frozen=True)
class Rate:
    numerator: int
    denominator: int

    @property
    def percent(self) -> float | None:
        """Percentage to one decimal, None when nothing was due (not 0 %, not 100 %)."""
        if self.denominator == 0:
            return None
        return round(100.0 * self.numerator / self.denominator, 1)


def timeliness(tasks: Iterable[tuple[datetime, datetime | None]], now: datetime) -> Rate:
    """Callback timeliness: of the tasks due by `now` (or already reached), the share whose customer was reached
    by the due time. Each task is (due_at, reached_at or None)."""
    due = on_time = 0
    for due_at, reached_at in tasks:
        if due_at > now and reached_at is None:
            continue  # not due yet and not done: not counted either way
        due += 1
        if reached_at is not None and reached_at <= due_at:
            on_time += 1
    return Rate(on_time, due)


def coverage(required: int, visited: int) -> Rate:
    """Return-visit coverage: visits made (reached, or lawfully closed) over visits required (002:L259: 100 %)."""
    return Rate(min(visited, required), required)


# ---------------------------------------------------------------- IVR survey results

CALL_HEADERS = ("呼叫编号", "呼叫标识", "call_id", "callid")
ORDER_HEADERS = ("工单编号", "工单流水号", "order", "order_number")
TIME_HEADERS = ("时间", "评价时间", "time")
SCORE_HEADERS = ("评分", "按键", "score")
IVR_MAX_ROWS = 20000


@dataclass(frozen=True)
class IvrRow:
    row: int
    call_id: str
    order: str
    at: datetime  # naive, local
    score: str
    answer: str  # satisfied | dissatisfied


def _find(header: list[str], names: tuple[str, ...]) -> int | None:
    for i, cell in enumerate(header):
        if cell.strip().lower() in names:
            return i
    return None


def _moment(text: str) -> datetime | None:
    text = text.strip().replace("/", "-").replace("T", " ")
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"):
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    return None


def parse_ivr(rows: list[list[str]], scores: dict[str, str]) -> tuple[list[IvrRow], list[tuple[str, dict]]]:
    """An IVR survey export: a call id or an order number, the time and the key pressed (the policy's `ivr_scores`
    say which keys are satisfied). Problems as (code, params), each naming its row (the header is row 1) and column."""
    if not rows or not any(c.strip() for c in rows[0]):
        return [], [("followup.ivr.empty", {})]
    header = rows[0]
    call_at, order_at = _find(header, CALL_HEADERS), _find(header, ORDER_HEADERS)
    time_at, score_at = _find(header, TIME_HEADERS), _find(header, SCORE_HEADERS)
    missing = [
        n
        for n, at in (
            ("呼叫编号或工单编号", call_at if call_at is not None else order_at),
            ("时间", time_at),
            ("评分", score_at),
        )
        if at is None
    ]
    if missing:
        return [], [("followup.ivr.columns", {"columns": "、".join(missing)})]
    body = [(n, r) for n, r in enumerate(rows[1:], 2) if any(c.strip() for c in r)]
    if not body:
        return [], [("followup.ivr.empty", {})]
    if len(body) > IVR_MAX_ROWS:
        return [], [("followup.ivr.too_many", {"max": IVR_MAX_ROWS, "rows": len(body)})]
    cell = lambda r, i: r[i].strip() if i is not None and i < len(r) else ""  # noqa: E731
    found, problems = [], []
    for n, r in body:
        call_id, order = cell(r, call_at)[:64], cell(r, order_at)[:30]
        if not call_id and not order:
            problems.append(("followup.ivr.no_reference", {"row": n}))
        raw_time = cell(r, time_at)
        at = _moment(raw_time)
        if at is None:
            problems.append(
                ("followup.ivr.time", {"row": n, "column": header[time_at].strip(), "value": raw_time[:30]})
            )
        score = cell(r, score_at)
        if score.endswith(".0"):
            score = score[:-2]  # a key read back from Excel as a number
        if score not in scores:
            problems.append(
                (
                    "followup.ivr.score",
                    {
                        "row": n,
                        "column": header[score_at].strip(),
                        "value": score[:10],
                        "allowed": "、".join(sorted(scores)),
                    },
                )
            )
        if at is not None and score in scores and (call_id or order):
            found.append(IvrRow(n, call_id, order, at, score, scores[score]))
    return found, problems
