"""Monthly grade, monthly bonus and annual rating of the government rules (000:L49-87, 003:L466-500); the score-based
appraisal for presets without grades; the outstanding-employee rule (001:L158). Plain data in and out, no Django.

    monthly_grade(MonthFacts(violations=6, supervised=0))         # Grade("poor", reasons=["violations_over"])
    monthly_bonus(Decimal(200), "excellent", rules)                # 260    (000:L84)
    annual_rating(YearFacts(grades=[...], attendance_count=20))    # fail, no year-end bonus (000:L71)
"""

from __future__ import annotations

from calendar import monthrange
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

GRADES = ("excellent", "good", "fair", "poor")  # 优 良 中 差 (000:L54)
_RANK = {g: i for i, g in enumerate(GRADES)}
CENT = Decimal("0.01")


def worse(a: str, b: str) -> str:
    return a if _RANK[a] >= _RANK[b] else b


@dataclass(frozen=True)
class GradeRules:
    """Thresholds of the grade rules (000:L57-63, L80-81)."""

    fair_max_violations: int = 5  # 中: at most 5 violations (L57); more is 差 (L59)
    poor_over_supervised: int = 2  # 差: supervised (督办) more than twice (L61)
    best_with_violations: str = "fair"  # 优/良 need the rules kept (L55-56): any violation caps the grade at 中
    supervised_grade: str = "poor"  # 中 needs no 督办 (L57), so a supervised month is below 中: 差


@dataclass(frozen=True)
class MonthFacts:
    violations: int = 0
    supervised: int = 0  # 督办 items this month
    inspection_violation: bool = False  # a violation found by an inspection (督查抽查, L60)
    repeated_supervision: bool = False  # supervised again for the same item (L62)
    important_supervised: bool = False  # an important task was supervised (L63)
    form_late: bool = False  # the form handed in late without a special reason (L80)
    refused: bool = False  # refused the appraisal (L80)
    proposed: str = "good"  # the leaders' proposal; the rules only ever lower it


@dataclass(frozen=True)
class Grade:
    grade: str
    reasons: tuple[str, ...] = ()


def monthly_grade(facts: MonthFacts, rules: GradeRules = GradeRules()) -> Grade:
    """The month's grade: the proposal, lowered by every rule that applies (reasons are message-code suffixes)."""
    if facts.proposed not in _RANK:
        raise ValueError(f"proposed: {facts.proposed}")
    if facts.violations < 0 or facts.supervised < 0:
        raise ValueError("counts must not be negative")
    poor = []
    if facts.violations > rules.fair_max_violations:
        poor.append("violations_over")  # L59
    if facts.inspection_violation:
        poor.append("inspection")  # L60
    if facts.supervised > rules.poor_over_supervised:
        poor.append("supervised_over")  # L61
    if facts.repeated_supervision:
        poor.append("supervised_repeated")  # L62
    if facts.important_supervised:
        poor.append("supervised_important")  # L63
    if facts.form_late:
        poor.append("form_late")  # L80
    if facts.refused:
        poor.append("refused")  # L80
    if poor:
        return Grade("poor", tuple(poor))
    grade, reasons = facts.proposed, []
    if facts.supervised:
        grade = worse(grade, rules.supervised_grade)
        reasons.append("supervised")
    if facts.violations:
        capped = worse(grade, rules.best_with_violations)
        if capped != grade:
            reasons.append("violations_cap")
        grade = capped
    return Grade(grade, tuple(reasons))


@dataclass(frozen=True)
class BonusRules:
    bases: Mapping[str, Decimal]  # rank -> monthly base (000:L84)
    factors: Mapping[str, Decimal]  # grade -> coefficient (000:L84)


GOV_BONUS = BonusRules(
    bases={
        "staff": Decimal(160),
        "station_deputy": Decimal(180),
        "station_head": Decimal(200),
        "deputy_section": Decimal(280),
        "section": Decimal(360),
    },
    factors={"excellent": Decimal("1.3"), "good": Decimal("1.0"), "fair": Decimal("0.9"), "poor": Decimal("0.7")},
)


def monthly_bonus(
    base: Decimal, grade: str, rules: BonusRules, *, deductions: Decimal = Decimal(0), forfeit: bool = False
) -> Decimal:
    """000:L84 then L39-40: base × the grade's coefficient, less the month's deductions, never below 0 (直到扣完为止);
    0 when the month's bonus is forfeited (L39: 3 lates/early/not-at-post or 2 absenteeisms; L64-67)."""
    if base < 0 or deductions < 0:
        raise ValueError("base and deductions must not be negative")
    if forfeit:
        return Decimal("0.00")
    gross = base * rules.factors[grade]
    return max(Decimal(0), gross - deductions).quantize(CENT, ROUND_HALF_UP)


def not_graded_because(employment: str, status: str) -> str | None:
    """Why a person is not graded this month, or None: temporary staff (临时人员, 000:L86; the staff record's
    employment type) and suspended staff (待岗, 000:L82; the discipline record's status) are not graded."""
    if employment == "temporary":
        return "temporary"
    if status == "suspended":
        return "suspended"
    return None


# -------------------------------------------------------------------------------------------------- annual


@dataclass(frozen=True)
class AnnualRules:
    attendance_fail_at: int = 20  # 不在岗 + 迟到 + 早退 in the year (000:L71)
    unexcused_consecutive_fail_at: int = 7  # L72
    unexcused_total_fail_at: int = 15  # L72
    poor_consecutive_fail_at: int = 3  # L73
    poor_total_fail_at: int = 4  # L73
    falsification_fail_over: int = 5  # L75
    fair_or_below_consecutive_cap_at: int = 3  # L70
    fair_or_below_total_cap_at: int = 5  # L70
    refer_consecutive_at: int = 15  # L78
    refer_total_at: int = 30  # L78


@dataclass(frozen=True)
class YearFacts:
    grades: Sequence[str | None]  # the months in order; None: not graded that month
    attendance_count: int = 0
    unexcused_longest_run: int = 0
    unexcused_days: int = 0
    falsifications: int = 0
    serious_consequence: bool = False
    sanctioned: bool = False
    suspended_disobeyed: bool = False


@dataclass(frozen=True)
class Annual:
    fail: bool  # 不合格, and no year-end bonus
    capped_competent: bool  # at most 称职 (合格)
    excellent_eligible: bool  # every month at 中 or better (000:L85)
    refer_hr: bool  # reported to the higher HR department (L78)
    reasons: tuple[str, ...] = ()

    @property
    def rating(self) -> str:
        if self.fail:
            return "fail"
        if self.capped_competent:
            return "competent_cap"
        return "excellent_eligible" if self.excellent_eligible else "competent"


def _longest_run(flags: Sequence[bool]) -> int:
    best = run = 0
    for f in flags:
        run = run + 1 if f else 0
        best = max(best, run)
    return best


def annual_rating(facts: YearFacts, rules: AnnualRules = AnnualRules()) -> Annual:
    """000:L69-78, L85: the year from its months and its counts."""
    poor = [g == "poor" for g in facts.grades]
    fair_or_below = [g in ("fair", "poor") for g in facts.grades]
    fail = []
    if facts.attendance_count >= rules.attendance_fail_at:
        fail.append("attendance")
    if (
        facts.unexcused_longest_run >= rules.unexcused_consecutive_fail_at
        or facts.unexcused_days >= rules.unexcused_total_fail_at
    ):
        fail.append("unexcused")
    if _longest_run(poor) >= rules.poor_consecutive_fail_at or sum(poor) >= rules.poor_total_fail_at:
        fail.append("poor_months")
    if facts.falsifications > rules.falsification_fail_over:
        fail.append("falsification")
    if facts.serious_consequence:
        fail.append("serious")
    if facts.sanctioned:
        fail.append("sanctioned")
    if facts.suspended_disobeyed:
        fail.append("suspended_disobeyed")
    capped = (
        _longest_run(fair_or_below) >= rules.fair_or_below_consecutive_cap_at
        or sum(fair_or_below) >= rules.fair_or_below_total_cap_at
    )
    graded = [g for g in facts.grades if g is not None]
    eligible = bool(graded) and not fail and not capped and all(g != "poor" for g in graded)
    refer = facts.unexcused_longest_run >= rules.refer_consecutive_at or facts.unexcused_days >= rules.refer_total_at
    return Annual(bool(fail), capped and not fail, eligible, refer, tuple(fail + (["fair_or_below"] if capped else [])))


# ----------------------------------------------------------------------------------------------- timeline


def appraisal_deadlines(month: date, *, form_day: int = 5, opinion_day: int = 8) -> tuple[date, date]:
    """000:L53: the month's form reaches the office before the 5th of the next month; the appraisal group's opinion
    before the 8th. Returned as the last day that is still on time (the 4th and the 7th: 次月5日前 read as before)."""
    year, mon = (month.year + 1, 1) if month.month == 12 else (month.year, month.month + 1)
    return date(year, mon, form_day - 1), date(year, mon, opinion_day - 1)


def is_late(done_on: date | None, due: date, today: date) -> bool:
    """Late: done after the due day, or not done and the due day is past."""
    return done_on > due if done_on is not None else today > due


def month_bounds(month: date) -> tuple[date, date]:
    return date(month.year, month.month, 1), date(month.year, month.month, monthrange(month.year, month.month)[1])


# ---------------------------------------------------------------------------------- score-based appraisal


def weighted_score(components: Mapping[str, float | None], weights: Mapping[str, float]) -> float | None:
    """A 0-100 score from components on 0-100 (KPI attainment, QA average...), weighted by policy; a missing component
    is left out and the remaining weights rescaled; None when nothing is known."""
    known = {k: v for k, v in components.items() if v is not None and weights.get(k, 0) > 0}
    total = sum(weights[k] for k in known)
    if not total:
        return None
    return round(sum(known[k] * weights[k] for k in known) / total, 2)


def grade_from_score(score: float | None, bands: Sequence[tuple[float, str]]) -> str | None:
    """bands: [(90, "excellent"), (80, "good"), (60, "fair"), (0, "poor")], highest first."""
    if score is None:
        return None
    for floor, grade in bands:
        if score >= floor:
            return grade
    return bands[-1][1]


# -------------------------------------------------------------------------------------------------- rewards


@dataclass(frozen=True)
class Candidate:
    person: str
    violations: int
    score: float | None = None


@dataclass
class Outstanding:
    chosen: list[str] = field(default_factory=list)
    disqualified: list[str] = field(default_factory=list)


def outstanding(candidates: Sequence[Candidate], count: int) -> Outstanding:
    """001:L157-158: any violation in the period disqualifies; of the rest, the best `count` by score (ties by the
    order given, so the team lead's proposal order decides)."""
    out = Outstanding()
    eligible = []
    for c in candidates:
        (out.disqualified if c.violations else eligible).append(c.person if c.violations else c)
    ranked = sorted(eligible, key=lambda c: -(c.score if c.score is not None else float("-inf")))
    out.chosen = [c.person for c in ranked[:count]]
    return out


def fund_balance(fines: Sequence[Decimal], spending: Sequence[Decimal]) -> Decimal:
    """000:L203, 001:L326: every fine goes to the department's activity fund; balance = fines − approved spending."""
    return sum(fines, Decimal(0)) - sum(spending, Decimal(0))
