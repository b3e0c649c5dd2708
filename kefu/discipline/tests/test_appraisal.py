"""Monthly grade, bonus and annual rating against the seeds' fixtures (requirements A T1, T2, T7, T8, T35; B T37-T39).
Pure: no database."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from kefu.discipline import appraisal as A

R = A.GOV_BONUS


@pytest.mark.parametrize(
    "grade, expected", [("excellent", "208.00"), ("good", "160.00"), ("fair", "144.00"), ("poor", "112.00")]
)
def test_T1_general_staff_bonus(grade, expected):
    """000:L84 (A T1): general staff, base 160: 优 208, 良 160, 中 144, 差 112."""
    assert A.monthly_bonus(R.bases["staff"], grade, R) == D(expected)


@pytest.mark.parametrize(
    "rank, grade, expected",
    [
        ("station_head", "excellent", 260),
        ("section", "poor", 252),
        ("deputy_section", "fair", 252),
        ("station_deputy", "excellent", 234),
        ("section", "excellent", 468),
        ("station_head", "poor", 140),
    ],
)
def test_T2_T37_bonus_by_rank(rank, grade, expected):
    """000:L84 (A T2, B T37 = 003:L498): station head 优 260; section 差 252; deputy section 中 252; station deputy
    优 234; section 优 468; station head 差 140."""
    assert A.monthly_bonus(R.bases[rank], grade, R) == D(expected)


def test_T3_T37_deductions_floor_and_forfeit():
    """000:L39-40 (A T3, B T37): deductions come off base × coefficient, never below 0; a forfeited month is 0."""
    assert A.monthly_bonus(D(160), "good", R, deductions=D(40)) == D(120)
    assert A.monthly_bonus(D(160), "poor", R, deductions=D(200)) == D(0)  # 112 − 200 → 0 (直到扣完为止)
    assert A.monthly_bonus(D(200), "excellent", R, deductions=D(0), forfeit=True) == D(0)
    with pytest.raises(ValueError):
        A.monthly_bonus(D(160), "good", R, deductions=D(-1))


def test_T7_T38_monthly_grade():
    """000:L57-61 (A T7, B T38 = 003:L471-477): 6 violations → 差; 5 violations and no 督办 → at best 中; 督办 3 times
    → 差; twice is not 差 by L61 but 中 needs no 督办 (L57), so a supervised month is below 中."""
    assert A.monthly_grade(A.MonthFacts(violations=6)).grade == "poor"
    five = A.monthly_grade(A.MonthFacts(violations=5, proposed="excellent"))
    assert (five.grade, five.reasons) == ("fair", ("violations_cap",))
    assert A.monthly_grade(A.MonthFacts(violations=0, proposed="excellent")).grade == "excellent"
    assert A.monthly_grade(A.MonthFacts(supervised=3)).reasons == ("supervised_over",)
    assert A.monthly_grade(A.MonthFacts(supervised=2)) == A.Grade("poor", ("supervised",))
    assert A.monthly_grade(A.MonthFacts(violations=1, proposed="poor")).grade == "poor"  # never raised


def test_grade_other_poor_reasons():
    """000:L60, L62-63, L80: an inspection finding, repeated or important supervision, a late form → 差."""
    for facts, reason in [
        (A.MonthFacts(inspection_violation=True), "inspection"),
        (A.MonthFacts(repeated_supervision=True), "supervised_repeated"),
        (A.MonthFacts(important_supervised=True), "supervised_important"),
        (A.MonthFacts(form_late=True), "form_late"),
        (A.MonthFacts(refused=True), "refused"),
    ]:
        assert A.monthly_grade(facts) == A.Grade("poor", (reason,))


def test_temporary_and_suspended_are_not_graded():
    """000:L82, L86: 待岗 and 临时人员 are not graded."""
    assert A.not_graded_because("temporary", "active") == "temporary"  # the staff record's employment type
    assert A.not_graded_because("full_time", "suspended") == "suspended"  # the discipline record's status
    assert A.not_graded_because("temporary", "suspended") == "temporary"
    for employment in ("full_time", "part_time", "intern"):
        for status in ("active", "probation"):
            assert A.not_graded_because(employment, status) is None


def year(*grades):
    return list(grades) + ["good"] * (12 - len(grades))


def test_T8_T39_annual_rating():
    """000:L70-73 (A T8, B T39 = 003:L485-487): 中,中,中 in a row → at most 称职; 差 4 months in all → 不合格;
    差 3 months in a row → 不合格; 20 lates/early/not at post in the year → 不合格, no year-end bonus."""
    assert A.annual_rating(A.YearFacts(year("fair", "fair", "fair"))).rating == "competent_cap"
    assert A.annual_rating(A.YearFacts(year("fair", "fair", "good", "fair"))).rating == "excellent_eligible"
    assert A.annual_rating(A.YearFacts(year("poor", "good", "poor", "good", "poor", "good", "poor"))).fail
    assert not A.annual_rating(A.YearFacts(year("poor", "good", "poor", "good", "poor"))).fail
    assert A.annual_rating(A.YearFacts(year("poor", "poor", "poor"))).fail
    assert A.annual_rating(A.YearFacts(year(), attendance_count=20)).reasons == ("attendance",)
    assert not A.annual_rating(A.YearFacts(year(), attendance_count=19)).fail


def test_annual_other_rules():
    """000:L70 (5 months ≤中 in all), L72 (7 days in a row / 15 in the year), L75 (falsification > 5), L78 (refer)."""
    assert A.annual_rating(
        A.YearFacts(year("fair", "good", "fair", "good", "fair", "good", "fair", "good", "fair"))
    ).capped_competent
    assert A.annual_rating(A.YearFacts(year(), unexcused_longest_run=7)).fail
    assert A.annual_rating(A.YearFacts(year(), unexcused_days=15)).fail
    assert not A.annual_rating(A.YearFacts(year(), falsifications=5)).fail
    assert A.annual_rating(A.YearFacts(year(), falsifications=6)).fail
    assert A.annual_rating(A.YearFacts(year(), unexcused_days=30)).refer_hr
    assert A.annual_rating(A.YearFacts(year("poor"))).rating == "competent"  # a 差 month: no 优秀 (L85)


def test_T35_appraisal_deadlines():
    """000:L53 (A T35): the form before the 5th of next month, the group's opinion before the 8th; December rolls
    into January."""
    assert A.appraisal_deadlines(date(2026, 11, 1)) == (date(2026, 12, 4), date(2026, 12, 7))
    assert A.appraisal_deadlines(date(2026, 12, 1)) == (date(2027, 1, 4), date(2027, 1, 7))
    form_due, _ = A.appraisal_deadlines(date(2026, 11, 1))
    assert not A.is_late(date(2026, 12, 4), form_due, date(2026, 12, 20))
    assert A.is_late(date(2026, 12, 5), form_due, date(2026, 12, 20))
    assert A.is_late(None, form_due, date(2026, 12, 5)) and not A.is_late(None, form_due, date(2026, 12, 4))


def test_outstanding_any_violation_disqualifies():
    """001:L158: any violation in the period disqualifies from 优秀员工; 001:L87 two a month."""
    got = A.outstanding(
        [A.Candidate("1", 0, 88), A.Candidate("2", 1, 99), A.Candidate("3", 0, 95), A.Candidate("4", 0, 70)], 2
    )
    assert (got.chosen, got.disqualified) == (["3", "1"], ["2"])


def test_weighted_score_rescales_missing_parts():
    assert A.weighted_score(
        {"qa": 90, "attendance": 100, "discipline": None}, {"qa": 0.5, "attendance": 0.3, "discipline": 0.2}
    ) == pytest.approx(93.75)
    assert A.weighted_score({"qa": None}, {"qa": 1}) is None
    bands = [(90, "excellent"), (80, "good"), (60, "fair"), (0, "poor")]
    assert [A.grade_from_score(s, bands) for s in (90, 89.99, 60, 59.9)] == ["excellent", "good", "fair", "poor"]
