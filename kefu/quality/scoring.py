"""Scorecard arithmetic, with no Django import: plain data in, plain data out.

A form is a list of items; each item has a key, points (the points of all items sum to 100, the
百分制 of 004:L1531) and a critical flag. A critical item (红线项) failed on a call fails the whole
call: the score is 0 whatever the other items earned.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from statistics import pstdev

TOTAL_POINTS = 100  # 监听分值一般用百分制 (004:L1531)


@dataclass(frozen=True)
class FormItem:
    key: str
    label: str
    points: int
    critical: bool = False
    section: str = ""


@dataclass(frozen=True)
class Mark:
    """What an inspector gave one item: points awarded, and for a critical item whether it failed."""

    awarded: float
    failed: bool = False


@dataclass(frozen=True)
class ScoreResult:
    total: float
    raw_total: float  # before a critical failure zeroes the call
    critical_failed: tuple[str, ...]

    @property
    def failed(self) -> bool:
        return bool(self.critical_failed)


def validate_form(items: Sequence[Mapping]) -> list[tuple[str, str]]:
    """Errors as (field, Chinese message) for a form given as dicts {key, label, points, critical}."""
    errors: list[tuple[str, str]] = []
    if not items:
        return [("items", "评分表至少需要一个评分项")]
    seen: set[str] = set()
    total = 0
    for i, item in enumerate(items):
        where = f"items[{i}]"
        key = str(item.get("key") or "").strip()
        if not key:
            errors.append((f"{where}.key", "评分项代码不能为空"))
        elif key in seen:
            errors.append((f"{where}.key", f"评分项代码重复：{key}"))
        seen.add(key)
        if not str(item.get("label") or "").strip():
            errors.append((f"{where}.label", "评分项名称不能为空"))
        points = item.get("points")
        if isinstance(points, bool) or not isinstance(points, int) or points < 0:
            errors.append((f"{where}.points", "分值应为不小于 0 的整数"))
            continue
        if points == 0 and not item.get("critical"):
            errors.append((f"{where}.points", "非红线项的分值必须大于 0"))
        total += points
    if not any(field.endswith(".points") for field, _ in errors) and total != TOTAL_POINTS:
        errors.append(("items", f"各评分项分值合计应为 {TOTAL_POINTS} 分（百分制），当前合计 {total} 分"))
    return errors


def score(items: Sequence[FormItem], marks: Mapping[str, Mark]) -> ScoreResult:
    """The call's score. Every item needs a mark; awarded points lie within 0..item points."""
    problems = mark_errors(items, marks)
    if problems:
        raise ValueError(problems[0][1])
    raw = sum(float(marks[item.key].awarded) for item in items)
    failed = tuple(item.key for item in items if item.critical and marks[item.key].failed)
    return ScoreResult(total=0.0 if failed else round(raw, 2), raw_total=round(raw, 2), critical_failed=failed)


def mark_errors(items: Sequence[FormItem], marks: Mapping[str, Mark]) -> list[tuple[str, str]]:
    errors: list[tuple[str, str]] = []
    known = {item.key for item in items}
    for key in marks:
        if key not in known:
            errors.append((f"marks.{key}", f"评分表中没有评分项 {key}"))
    for item in items:
        mark = marks.get(item.key)
        if mark is None:
            errors.append((f"marks.{item.key}", f"评分项「{item.label}」未评分"))
            continue
        if not 0 <= float(mark.awarded) <= item.points:
            errors.append((f"marks.{item.key}", f"评分项「{item.label}」得分应在 0 到 {item.points} 分之间"))
        if mark.failed and not item.critical:
            errors.append((f"marks.{item.key}", f"评分项「{item.label}」不是红线项，不能判为红线失败"))
    return errors


@dataclass(frozen=True)
class Agreement:
    inspectors: int
    totals: tuple[float, ...]
    spread: float | None  # highest total − lowest total
    stdev: float | None
    item_agreement: float | None  # share of items on which every inspector gave the same mark
    disagreeing_items: tuple[str, ...]
    critical_agreement: bool | None  # did all inspectors agree on whether the call failed a critical item


def agreement(items: Sequence[FormItem], sheets: Iterable[Mapping[str, Mark]]) -> Agreement:
    """Calibration: several inspectors' marks for the same call, compared.

    `item_agreement` is the share of items whose (awarded, failed) is identical on every sheet;
    undefined (None) with fewer than two sheets.
    """
    sheets = list(sheets)
    totals = tuple(score(items, s).total for s in sheets)
    if len(sheets) < 2:
        return Agreement(len(sheets), totals, None, None, None, (), None)
    disagree = tuple(
        item.key for item in items if len({(float(s[item.key].awarded), bool(s[item.key].failed)) for s in sheets}) > 1
    )
    verdicts = {score(items, s).failed for s in sheets}
    return Agreement(
        inspectors=len(sheets),
        totals=totals,
        spread=round(max(totals) - min(totals), 2),
        stdev=round(pstdev(totals), 2),
        item_agreement=round((len(items) - len(disagree)) / len(items), 4) if items else None,
        disagreeing_items=disagree,
        critical_agreement=len(verdicts) == 1,
    )
