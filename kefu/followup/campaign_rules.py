"""Pure rules of outbound campaigns (外呼活动), no Django: the questionnaire as data, the answers checked against it,
the call list read from an uploaded sheet, progress and the periodic report. Plain data in, plain data out
(tests/test_campaign_rules.py).

Every problem is an Issue (field, code, params): the caller turns it into a Msg in the reader's language.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from kefu.customers.phones import normalize_phone
from kefu.followup.rules import REACHED, REFUSED

MAX_QUESTIONS, MAX_OPTIONS, QUESTION_MAX, OPTION_MAX, ANSWER_MAX = 20, 10, 200, 30, 300
MAX_ROWS = 5000
PHONE_HEADERS = ("电话", "手机", "手机号", "电话号码", "联系电话", "phone")
NAME_HEADERS = ("姓名", "客户姓名", "name")
NOTE_HEADERS = ("备注", "note")


@dataclass(frozen=True)
class Issue:
    field: str
    code: str
    params: dict = field(default_factory=dict)


# ---------------------------------------------------------------- the questionnaire


def parse_questionnaire_text(text: str) -> list[dict]:
    """The page's form: one question a line, "question | option1 / option2 / option3"; no options: a free answer.
    Keys are q1, q2, ... in order."""
    questions = []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        head, _, tail = line.partition("|")
        options = [o.strip() for o in re.split(r"[/／]", tail) if o.strip()] if tail else []
        questions.append({"text": head.strip(), "scale": options})
    return [{"key": f"q{n}", **q} for n, q in enumerate(questions, 1)]


def questionnaire_text(questions: list[dict]) -> str:
    return "\n".join(q["text"] + (" | " + " / ".join(q["scale"]) if q.get("scale") else "") for q in questions)


def check_questionnaire(questions) -> tuple[list[dict], list[Issue]]:
    """Questions and answer scales as data: [{key, text, scale: [options]}]. At least one question, at most
    MAX_QUESTIONS; a scale is empty (free answer) or 2..MAX_OPTIONS distinct options."""
    issues: list[Issue] = []
    if not isinstance(questions, list) or not questions:
        return [], [Issue("questionnaire", "followup.campaign.questionnaire.empty")]
    if len(questions) > MAX_QUESTIONS:
        issues.append(Issue("questionnaire", "followup.campaign.questionnaire.too_many", {"max": MAX_QUESTIONS}))
    clean, keys = [], set()
    for n, q in enumerate(questions, 1):
        if not isinstance(q, dict):
            issues.append(Issue("questionnaire", "followup.campaign.question.text", {"n": n}))
            continue
        text = str(q.get("text") or "").strip()
        key = str(q.get("key") or f"q{n}").strip()[:20]
        scale = q.get("scale") or []
        if not text or len(text) > QUESTION_MAX:
            issues.append(Issue("questionnaire", "followup.campaign.question.text", {"n": n, "max": QUESTION_MAX}))
        if key in keys:
            issues.append(Issue("questionnaire", "followup.campaign.question.key", {"n": n, "key": key}))
        keys.add(key)
        if not isinstance(scale, list):
            scale = []
        scale = [str(o).strip() for o in scale]
        if scale and (
            len(scale) < 2
            or len(scale) > MAX_OPTIONS
            or len(set(scale)) != len(scale)
            or any(not o or len(o) > OPTION_MAX for o in scale)
        ):
            issues.append(
                Issue(
                    "questionnaire",
                    "followup.campaign.question.scale",
                    {"n": n, "max": MAX_OPTIONS, "length": OPTION_MAX},
                )
            )
        clean.append({"key": key, "text": text, "scale": scale})
    return clean, issues


def check_answers(questions: list[dict], answers: dict) -> tuple[dict, list[Issue]]:
    """Every question answered; a scaled question with one of its options, a free one with at most ANSWER_MAX
    characters. Unknown keys are refused."""
    issues: list[Issue] = []
    answers = answers if isinstance(answers, dict) else {}
    known = {q["key"] for q in questions}
    for key in answers:
        if key not in known:
            issues.append(Issue(f"answers.{key}", "followup.campaign.answer.unknown", {"key": str(key)[:20]}))
    clean = {}
    for n, q in enumerate(questions, 1):
        value = str(answers.get(q["key"]) or "").strip()
        if not value:
            issues.append(
                Issue(f"answers.{q['key']}", "followup.campaign.answer.missing", {"n": n, "question": q["text"]})
            )
        elif q["scale"] and value not in q["scale"]:
            issues.append(
                Issue(
                    f"answers.{q['key']}",
                    "followup.campaign.answer.not_in_scale",
                    {"n": n, "question": q["text"], "value": value[:30]},
                )
            )
        elif len(value) > ANSWER_MAX:
            issues.append(
                Issue(
                    f"answers.{q['key']}",
                    "followup.campaign.answer.too_long",
                    {"n": n, "max": ANSWER_MAX, "length": len(value)},
                )
            )
        else:
            clean[q["key"]] = value
    return clean, issues


# ---------------------------------------------------------------- the uploaded call list


@dataclass(frozen=True)
class ListEntry:
    row: int
    phone: str
    name: str
    note: str


def _column(header: list[str], names: tuple[str, ...]) -> int | None:
    for i, cell in enumerate(header):
        if cell.strip().lower() in names:
            return i
    return None


def parse_call_list(rows: list[list[str]]) -> tuple[list[ListEntry], list[Issue]]:
    """The upload's rows (row 1 the header, as the sheet numbers them): a phone column (电话/手机/...), an optional
    name (姓名) and note (备注). All problems at once, each naming its row and column; a phone twice in the file
    is one entry."""
    if not rows or not any(c.strip() for c in rows[0]):
        return [], [Issue("file", "followup.campaign.upload.empty")]
    header = rows[0]
    phone_at = _column(header, PHONE_HEADERS)
    if phone_at is None:
        return [], [
            Issue("file", "followup.campaign.upload.no_phone_column", {"columns": "、".join(PHONE_HEADERS[:3])})
        ]
    name_at, note_at = _column(header, NAME_HEADERS), _column(header, NOTE_HEADERS)
    body = [(n, r) for n, r in enumerate(rows[1:], 2) if any(c.strip() for c in r)]
    if not body:
        return [], [Issue("file", "followup.campaign.upload.empty")]
    if len(body) > MAX_ROWS:
        return [], [Issue("file", "followup.campaign.upload.too_many", {"max": MAX_ROWS, "rows": len(body)})]
    entries, issues, seen = [], [], set()
    cell = lambda r, i: r[i].strip() if i is not None and i < len(r) else ""  # noqa: E731
    for n, r in body:
        raw = cell(r, phone_at)
        phone = normalize_phone(raw)
        if phone is None:
            issues.append(
                Issue(
                    "file",
                    "followup.campaign.upload.phone",
                    {"row": n, "column": header[phone_at].strip(), "value": raw[:20]},
                )
            )
        name, note = cell(r, name_at), cell(r, note_at)
        if len(name) > 50:
            issues.append(
                Issue(
                    "file",
                    "followup.campaign.upload.too_long",
                    {"row": n, "column": header[name_at].strip(), "max": 50, "length": len(name)},
                )
            )
        if len(note) > 200:
            issues.append(
                Issue(
                    "file",
                    "followup.campaign.upload.too_long",
                    {"row": n, "column": header[note_at].strip(), "max": 200, "length": len(note)},
                )
            )
        if phone is not None and phone not in seen:
            seen.add(phone)
            entries.append(ListEntry(n, phone, name, note))
    return entries, issues


# ---------------------------------------------------------------- progress and the report


@dataclass(frozen=True)
class Progress:
    total: int
    called: int  # at least one attempt
    reached: int  # talked to the customer
    completed: int  # questionnaire done
    refused: int  # said no (an attempt refused, or closed as refused)
    closed: int  # closed without a questionnaire (refused, wrong number, unreachable)

    def percent(self, part: int) -> float | None:
        return None if self.total == 0 else round(100.0 * part / self.total, 1)


def progress(targets: Iterable[tuple[str, int, bool, str, bool]]) -> Progress:
    """Each target: (state, attempt_count, reached, closure, refused_once)."""
    total = called = reached = completed = refused = closed = 0
    for state, attempts, was_reached, closure, refused_once in targets:
        total += 1
        called += attempts > 0
        reached += bool(was_reached)
        completed += state == "done"
        refused += closure == REFUSED or bool(refused_once)
        closed += state == "closed"
    return Progress(total, called, reached, completed, refused, closed)


def bucket(day: date, period: str) -> date:
    """The first day of the report period holding `day`: itself (day), its Monday (week), the 1st (month)."""
    if period == "week":
        return day - timedelta(days=day.weekday())
    if period == "month":
        return day.replace(day=1)
    return day


@dataclass(frozen=True)
class ReportRow:
    start: date
    called: int
    attempts: int
    reached: int
    completed: int
    refused: int


def report(
    attempts: Iterable[tuple[date, int, str]],
    completions: Iterable[tuple[date, int]],
    first: date,
    last: date,
    period: str,
) -> list[ReportRow]:
    """The periodic report of [first, last] (local days): per period, the customers called (distinct), attempts,
    customers reached, questionnaires completed and customers who refused. attempts: (day, target, outcome);
    completions: (day, target) of the questionnaires done. Every period of the range has a row, empty ones too."""
    starts, day = [], bucket(first, period)
    while day <= last:
        starts.append(day)
        day = bucket(day + timedelta(days={"day": 1, "week": 7}.get(period, 32)), period)
    called: dict[date, set] = {s: set() for s in starts}
    reached: dict[date, set] = {s: set() for s in starts}
    refused: dict[date, set] = {s: set() for s in starts}
    tries = dict.fromkeys(starts, 0)
    done = dict.fromkeys(starts, 0)
    for day, target, outcome in attempts:
        if not first <= day <= last:
            continue
        b = bucket(day, period)
        called[b].add(target)
        tries[b] += 1
        if outcome == REACHED:
            reached[b].add(target)
        if outcome == REFUSED:
            refused[b].add(target)
    for day, _target in completions:
        if first <= day <= last:
            done[bucket(day, period)] += 1
    return [ReportRow(s, len(called[s]), tries[s], len(reached[s]), done[s], len(refused[s])) for s in starts]


def may_see_offer(roles: Iterable[str], offer_roles: Iterable[str], granted: bool) -> bool:
    """A retention offer is shown to a holder of one of the campaign's offer roles, or to an agent granted it."""
    return granted or bool(set(map(str, roles)) & set(offer_roles))
