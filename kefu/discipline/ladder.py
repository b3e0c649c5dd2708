"""Penalty ladders of the seeds' reward-and-penalty rules (奖惩制度), as plain data; no Django import.

A violation type has a `Ladder`: the sanction of its 1st, 2nd, ... occurrence in a counting period (the last step
repeats), the period that resets the count (monthly, no carry-over, 002:L498) and an optional group so that
several types count together (the government rules count 不在岗, 迟到 and 早退 as one tally, 000:L39).

    ladder = ladder_from_data(policy["types"]["non_work"]["ladder"])
    penalty_for(ladder, 2)              # Sanction(fine=Decimal("30"), ...)          000:L198
    number_occurrences(events, ladders) # the occurrence number of each event within its period

A sanction is never carried out by this module: a dismissal step is a proposal that HR and the manager decide.
The attendance classifications the ladders count (late, absent from post, absenteeism, early leave) are here too,
as functions of minutes, so that a preset's thresholds are data and each seed's examples can be checked.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

ZERO = Decimal("0")
PERIODS = ("month", "quarter", "year", "ever")


class LadderError(ValueError):
    """Bad ladder data: `field` names the place (types.late.ladder.steps[1].fine), `code` a message code."""

    def __init__(self, field: str, code: str, **params):
        super().__init__(f"{field}: {code} {params}")
        self.field, self.code, self.params = field, code, params


@dataclass(frozen=True)
class Sanction:
    """What one occurrence costs. `fine` is paid in and goes to the department's fund (000:L203); a bonus deduction
    comes off the month's appraisal bonus (000:L39); a salary deduction off the pay (001:L115)."""

    fine: Decimal = ZERO
    bonus_deduction: Decimal = ZERO
    salary_deduction: Decimal = ZERO
    warning: bool = False
    cleaning_days: int = 0
    forfeit_bonus: bool = False  # 扣除当月考核奖: the whole month's bonus (000:L39)
    dismissal_proposal: bool = False  # 开除: proposed to HR and the manager, never automatic
    forfeit_salary: bool = False  # 无当月工资 (002:L492)
    serious: bool = False  # 严重处理: referred to the manager without a fixed amount (001:L118)

    @property
    def is_empty(self) -> bool:
        return self == Sanction()

    def parts(self) -> list[str]:
        """Codes of what this sanction holds, for labels: ["fine", "warning", ...]."""
        out = []
        for name in ("fine", "bonus_deduction", "salary_deduction"):
            if getattr(self, name):
                out.append(name)
        for name in ("warning", "cleaning_days", "forfeit_bonus", "dismissal_proposal", "forfeit_salary", "serious"):
            if getattr(self, name):
                out.append(name)
        return out


@dataclass(frozen=True)
class Ladder:
    steps: tuple[Sanction, ...]
    period: str = "month"
    group: str = ""  # types with the same group count together; empty: the type counts alone
    seed: str = ""

    def key(self, type_code: str) -> str:
        return self.group or type_code


def penalty_for(ladder: Ladder, occurrence: int) -> Sanction:
    """The sanction of the `occurrence`-th time (1-based) in the period; beyond the ladder the last step repeats."""
    if occurrence < 1:
        raise LadderError("occurrence", "discipline.ladder.occurrence_positive", value=occurrence)
    return ladder.steps[min(occurrence, len(ladder.steps)) - 1]


def period_key(day: date, period: str) -> tuple:
    """The counting period a day falls in: a month, a quarter, a year, or the whole record ("ever")."""
    if period == "month":
        return (day.year, day.month)
    if period == "quarter":
        return (day.year, (day.month - 1) // 3 + 1)
    if period == "year":
        return (day.year,)
    if period == "ever":
        return ()
    raise LadderError("period", "discipline.ladder.bad_period", value=period)


@dataclass(frozen=True)
class Event:
    """One counted violation: who, which type, on which day (events of a day keep their given order)."""

    person: str
    type_code: str
    day: date
    ref: object = None


def number_occurrences(events: Iterable[Event], ladders: Mapping[str, Ladder]) -> list[int]:
    """The occurrence number of each event (in the order given) within its person's period and tally.

    Events are counted in date order (a stable sort: same-day events keep their order); the count starts again in
    every period (002:L498: 按月计算, 跨月不累计)."""
    items = list(events)
    order = sorted(range(len(items)), key=lambda i: items[i].day)
    counts: dict[tuple, int] = {}
    out = [0] * len(items)
    for i in order:
        ev = items[i]
        ladder = ladders[ev.type_code]
        key = (ev.person, ladder.key(ev.type_code), period_key(ev.day, ladder.period))
        counts[key] = counts.get(key, 0) + 1
        out[i] = counts[key]
    return out


def sanctions_for(events: Iterable[Event], ladders: Mapping[str, Ladder]) -> list[Sanction]:
    items = list(events)
    return [
        penalty_for(ladders[ev.type_code], n) for ev, n in zip(items, number_occurrences(items, ladders), strict=True)
    ]


# ------------------------------------------------------------------------------------------------- data form

_MONEY = ("fine", "bonus_deduction", "salary_deduction")
_FLAGS = ("warning", "forfeit_bonus", "dismissal_proposal", "forfeit_salary", "serious")


def _money(value, where: str) -> Decimal:
    if isinstance(value, bool):
        raise LadderError(where, "discipline.ladder.not_money", value=value)
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise LadderError(where, "discipline.ladder.not_money", value=value) from None
    if not amount.is_finite() or amount < 0:
        raise LadderError(where, "discipline.ladder.negative", value=value)
    if amount != amount.quantize(Decimal("0.01")):
        raise LadderError(where, "discipline.ladder.cents", value=value)
    return amount


def sanction_from_data(data: Mapping, where: str = "step") -> Sanction:
    if not isinstance(data, Mapping):
        raise LadderError(where, "discipline.ladder.not_object")
    known = set(_MONEY) | set(_FLAGS) | {"cleaning_days"}
    for key in data:
        if key not in known:
            raise LadderError(f"{where}.{key}", "discipline.ladder.unknown_key", key=key)
    values: dict = {}
    for key in _MONEY:
        if key in data:
            values[key] = _money(data[key], f"{where}.{key}")
    for key in _FLAGS:
        if key in data:
            if not isinstance(data[key], bool):
                raise LadderError(f"{where}.{key}", "discipline.ladder.not_bool")
            values[key] = data[key]
    if "cleaning_days" in data:
        days = data["cleaning_days"]
        if not isinstance(days, int) or isinstance(days, bool) or not 0 <= days <= 31:
            raise LadderError(f"{where}.cleaning_days", "discipline.ladder.bad_days", value=days)
        values["cleaning_days"] = days
    return Sanction(**values)


def sanction_to_data(s: Sanction) -> dict:
    out: dict = {}
    for key in _MONEY:
        if getattr(s, key):
            out[key] = str(getattr(s, key))
    for key in _FLAGS:
        if getattr(s, key):
            out[key] = True
    if s.cleaning_days:
        out["cleaning_days"] = s.cleaning_days
    return out


def ladder_from_data(data: Mapping, where: str = "ladder") -> Ladder:
    """A ladder from policy data: {"steps": [{...}, ...], "period": "month", "group": "", "seed": "002:L498"}."""
    if not isinstance(data, Mapping):
        raise LadderError(where, "discipline.ladder.not_object")
    steps = data.get("steps")
    if not isinstance(steps, list | tuple) or not steps:
        raise LadderError(f"{where}.steps", "discipline.ladder.no_steps")
    period = data.get("period", "month")
    if period not in PERIODS:
        raise LadderError(f"{where}.period", "discipline.ladder.bad_period", value=period)
    group = data.get("group", "")
    if not isinstance(group, str):
        raise LadderError(f"{where}.group", "discipline.ladder.not_text")
    return Ladder(
        tuple(sanction_from_data(s, f"{where}.steps[{i}]") for i, s in enumerate(steps)),
        period=period,
        group=group,
        seed=str(data.get("seed", "")),
    )


def ladders_from_types(types: Mapping[str, Mapping]) -> dict[str, Ladder]:
    """Every type's ladder; types of one group must share the period (one tally cannot reset twice)."""
    ladders = {code: ladder_from_data(spec.get("ladder", {}), f"types.{code}.ladder") for code, spec in types.items()}
    periods: dict[str, str] = {}
    for code, ladder in ladders.items():
        if ladder.group:
            seen = periods.setdefault(ladder.group, ladder.period)
            if seen != ladder.period:
                raise LadderError(f"types.{code}.ladder.period", "discipline.ladder.group_period", group=ladder.group)
    return ladders


# ------------------------------------------------------------------------ classifications the ladders count


@dataclass(frozen=True)
class AttendanceRules:
    """Thresholds in minutes; None where the preset has no such rule."""

    late_grace: int = 0  # 000:L30: not signed in at the sign-in time is late (no grace)
    late_violation_from: int | None = None  # 002:L75: 20 min and more without leave is a violation (违纪)
    absent_if_late_over: int | None = None  # 000:L30: no sign-in more than 1 h after the start is absenteeism
    away_violation_from: int | None = None  # 002:L75: leaving the post 20 min and more is a violation
    away_absenteeism_over: int | None = None  # 002:L465: away more than 10 min unapproved: half a day absenteeism
    spot_check_explain_within: int | None = None  # 000:L31: explained within 1 h: 不在岗; later: 旷工
    early_leave_window: int | None = None  # 000:L31: away within 30 min of the end of work is early leave


def classify_sign_in(minutes_late: int | None, rules: AttendanceRules) -> str | None:
    """ "late", "absenteeism" or None (on time). `minutes_late` None: never signed in (000:L30)."""
    if minutes_late is None:
        return "absenteeism"
    if rules.absent_if_late_over is not None and minutes_late > rules.absent_if_late_over:
        return "absenteeism"
    return "late" if minutes_late > rules.late_grace else None


def late_is_violation(minutes_late: int, rules: AttendanceRules) -> bool:
    """002:L75: late 20 minutes or more without leave is a violation; 19 minutes is late but not 违纪."""
    return rules.late_violation_from is not None and minutes_late >= rules.late_violation_from


def classify_spot_check(explained_after: int | None, rules: AttendanceRules) -> str:
    """Found away at a spot check, not registered (000:L31): explained at the office within the window (counted from
    the check) → "absent_from_post" (不在岗); later or never → "absenteeism" (旷工)."""
    window = rules.spot_check_explain_within
    if explained_after is not None and window is not None and explained_after <= window:
        return "absent_from_post"
    return "absenteeism"


def classify_away(minutes_away: int, minutes_before_end: int, rules: AttendanceRules) -> str | None:
    """Away from the post during the shift: early leave when within the window before the end (000:L31), half a day
    of absenteeism when over the office limit (002:L465), a violation when at least the telecom limit (002:L75)."""
    if rules.early_leave_window is not None and minutes_before_end <= rules.early_leave_window:
        return "early_leave"
    if rules.away_absenteeism_over is not None and minutes_away > rules.away_absenteeism_over:
        return "absenteeism_half_day"
    if rules.away_violation_from is not None and minutes_away >= rules.away_violation_from:
        return "left_post"
    return None


# --------------------------------------------------------------------------------- pay-linked office rules


@dataclass(frozen=True)
class PayEffect:
    """A deduction stated in days of base pay plus a fine, and whether the person is deemed to have resigned."""

    base_pay_days: Decimal = ZERO
    fine: Decimal = ZERO
    deemed_resigned: bool = False
    forfeit_salary: bool = False


def leave_pay_effect(
    kind: str,
    days: int,
    certificate: bool,
    *,
    personal_fine: Decimal = Decimal("30"),
    sick_certificate_from_days: int = 2,
) -> PayEffect:
    """002:L494: personal leave on a normal shift loses the day's base pay plus a 30 yuan fine; sick leave of 2 days
    or more with a hospital certificate loses the base pay only; without it, it is treated as personal leave."""
    if days < 1:
        raise LadderError("days", "discipline.ladder.days_positive", value=days)
    if kind == "sick" and certificate and days >= sick_certificate_from_days:
        return PayEffect(base_pay_days=Decimal(days))
    if kind in ("personal", "sick"):
        return PayEffect(base_pay_days=Decimal(days), fine=personal_fine * days)
    raise LadderError("kind", "discipline.ladder.bad_leave_kind", value=kind)


def no_show_pay_effect(days: int, *, multiple: Decimal = Decimal("2"), resign_over_days: int = 2) -> PayEffect:
    """002:L496: absent without leave: twice the day's base pay per day; more than 2 days: deemed to have resigned,
    no salary for the month."""
    if days < 1:
        raise LadderError("days", "discipline.ladder.days_positive", value=days)
    if days > resign_over_days:
        return PayEffect(deemed_resigned=True, forfeit_salary=True)
    return PayEffect(base_pay_days=multiple * days)


def leave_overage_deduction(days_taken: int, *, allowance: int = 5, per_day: Decimal = Decimal("20")) -> Decimal:
    """000:L40: personal + sick leave of 5 days a quarter; each day beyond costs 20 yuan of the month's bonus (the
    bonus floor, 直到扣完为止, is applied with the other deductions in appraisal.monthly_bonus)."""
    return per_day * max(0, days_taken - allowance)


def leave_approvers(days: int, rank: str) -> list[str]:
    """000:L37: general staff and station heads: up to 3 days the leader in charge; more, the leader in charge then the
    main leader. Deputy-section level and above: the main leader."""
    if days < 1:
        raise LadderError("days", "discipline.ladder.days_positive", value=days)
    if rank in ("deputy_section", "section"):
        return ["main_leader"]
    return ["leader_in_charge"] if days <= 3 else ["leader_in_charge", "main_leader"]


@dataclass
class Tally:
    """Sums of a list of sanctions (one person's month)."""

    fines: Decimal = ZERO
    bonus_deductions: Decimal = ZERO
    salary_deductions: Decimal = ZERO
    warnings: int = 0
    cleaning_days: int = 0
    forfeit_bonus: bool = False
    dismissal_proposal: bool = False
    forfeit_salary: bool = False
    serious: int = 0
    seeds: list[str] = field(default_factory=list)


def tally(sanctions: Iterable[Sanction]) -> Tally:
    t = Tally()
    for s in sanctions:
        t.fines += s.fine
        t.bonus_deductions += s.bonus_deduction
        t.salary_deductions += s.salary_deduction
        t.warnings += int(s.warning)
        t.cleaning_days += s.cleaning_days
        t.forfeit_bonus |= s.forfeit_bonus
        t.dismissal_proposal |= s.dismissal_proposal
        t.forfeit_salary |= s.forfeit_salary
        t.serious += int(s.serious)
    return t


__all__ = [
    "Sanction",
    "Ladder",
    "Event",
    "penalty_for",
    "number_occurrences",
    "sanctions_for",
    "ladder_from_data",
    "ladders_from_types",
    "sanction_from_data",
    "sanction_to_data",
    "AttendanceRules",
    "classify_sign_in",
    "classify_spot_check",
    "classify_away",
    "late_is_violation",
    "leave_pay_effect",
    "no_show_pay_effect",
    "leave_overage_deduction",
    "leave_approvers",
    "tally",
    "Tally",
    "LadderError",
]
