"""Auto-grading of quiz answers, with no Django import (plain data in, plain data out).

Kinds: single (one option), judge (对/错, one option), multiple (a set of options, all-or-nothing),
fill (blanks; each blank lists its accepted answers; a blank earns its share of the points; with
`unordered` the answers may come in any order, as in the manhole-cover question, 004:L67).
Answers are compared after normalisation: full-width to half-width (NFKC), case folded, spaces and
punctuation removed — so "住建局", " 住建局。" and "住建局" all match, "住建" matches only if listed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

KINDS = {"single": "单选题", "judge": "判断题", "multiple": "多选题", "fill": "填空题"}
_NOISE = re.compile(r"[\s\u3000\.,;:!?'\"()\[\]{}<>、，。；：！？“”‘’（）【】《》…—\-_/]+")


def normalise(text) -> str:
    return _NOISE.sub("", unicodedata.normalize("NFKC", str(text or ""))).casefold()


@dataclass(frozen=True)
class Graded:
    earned: float
    points: float
    correct: bool
    answered: bool


def shape_error(question: Mapping, response) -> str | None:
    """Why a response has the wrong shape for its question (None when acceptable). Empty = unanswered."""
    kind = question["kind"]
    if response is None or response == "" or response == []:
        return None
    if kind in ("single", "judge"):
        keys = {o["key"] for o in question.get("options", [])}
        if not isinstance(response, str) or response not in keys:
            return f"第{question['number']}题的答案应为选项 {'/'.join(sorted(keys))} 之一"
    elif kind == "multiple":
        keys = {o["key"] for o in question.get("options", [])}
        if not isinstance(response, list) or not all(isinstance(r, str) and r in keys for r in response):
            return f"第{question['number']}题的答案应为选项 {'/'.join(sorted(keys))} 的组合"
    elif kind == "fill":
        blanks = len(question["answer"]["blanks"])
        if not isinstance(response, list) or len(response) != blanks or not all(isinstance(r, str) for r in response):
            return f"第{question['number']}题应填写 {blanks} 个空"
    return None


def _matching(responses: Sequence[str], blanks: Sequence[set[str]]) -> int:
    """Largest number of responses that can each be matched to a distinct blank accepting them."""
    owner: dict[int, int] = {}

    def place(r: int, seen: set[int]) -> bool:
        for b, accepted in enumerate(blanks):
            if responses[r] in accepted and b not in seen:
                seen.add(b)
                if b not in owner or place(owner[b], seen):
                    owner[b] = r
                    return True
        return False

    return sum(1 for r in range(len(responses)) if responses[r] and place(r, set()))


def grade(question: Mapping, response) -> Graded:
    points = float(question.get("points", 1))
    kind = question["kind"]
    answered = not (
        response is None
        or response == ""
        or response == []
        or (isinstance(response, list) and all(not str(r).strip() for r in response))
    )
    if not answered:
        return Graded(0.0, points, False, False)
    if kind in ("single", "judge"):
        ok = response == question["answer"]
        return Graded(points if ok else 0.0, points, ok, True)
    if kind == "multiple":
        ok = set(response) == set(question["answer"])
        return Graded(points if ok else 0.0, points, ok, True)
    if kind == "fill":
        blanks = [{normalise(a) for a in accepted} for accepted in question["answer"]["blanks"]]
        given = [normalise(r) for r in response]
        if question["answer"].get("unordered"):
            right = _matching(given, blanks)
        else:
            right = sum(1 for g, accepted in zip(given, blanks) if g and g in accepted)
        return Graded(round(points * right / len(blanks), 2), points, right == len(blanks), True)
    raise ValueError(f"未知题型：{kind}")


def grade_all(questions: Sequence[Mapping], responses: Mapping[str, object]) -> tuple[float, float, list[Graded]]:
    """Total earned, total possible and each question's grade; `responses` keyed by question number."""
    graded = [grade(q, responses.get(q["number"])) for q in questions]
    return round(sum(g.earned for g in graded), 2), sum(g.points for g in graded), graded
