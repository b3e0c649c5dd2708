"""The penalty ladders and attendance classifications against the seeds' fixtures (requirements A §9 and B §9).

Pure: no database. The ladders are read from the presets in policy.py, so a fixture fails if a preset drifts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from kefu.discipline import ladder as L
from kefu.discipline.policy import PRESETS


def ladders(preset: str) -> dict[str, L.Ladder]:
    return L.ladders_from_types(PRESETS[preset]["types"])


def run(preset: str, events: list[tuple[str, date]], person: str = "1001") -> list[L.Sanction]:
    return L.sanctions_for([L.Event(person, t, d) for t, d in events], ladders(preset))


def test_T11_T15_non_work_10_30_dismissal():
    """000:L198 (A T11) = 003:L23 (B T15): non-work apps 1st 10 yuan, 2nd 30 yuan, 3rd dismissal (a proposal)."""
    got = run("ecommerce", [("non_work", date(2026, 3, d)) for d in (2, 9, 20)])
    assert [s.fine for s in got] == [D(10), D(30), D(0)]
    assert [s.dismissal_proposal for s in got] == [False, False, True]


def test_T13_late_10_then_20_monthly_reset():
    """002:L498 (B T13): late 1st 10, 2nd 20, 3rd 20; next month the 1st is 10 again (no carry-over); early leave
    shares the tally (迟到/早退)."""
    got = run(
        "hotline",
        [
            ("late", date(2026, 3, 2)),
            ("late", date(2026, 3, 9)),
            ("early_leave", date(2026, 3, 30)),
            ("late", date(2026, 4, 1)),
        ],
    )
    assert [s.fine for s in got] == [D(10), D(20), D(20), D(10)]


def test_T13_counts_in_date_order_whatever_the_input_order():
    """002:L498: the 10-yuan step belongs to the first late of the month even when entered last."""
    got = run("hotline", [("late", date(2026, 3, 20)), ("late", date(2026, 3, 2))])
    assert [s.fine for s in got] == [D(20), D(10)]


def test_T14_private_landline_50_100_dismissal_without_salary():
    """002:L492 (B T14): 1st 50, 2nd 100, 3rd dismissal with no salary for the month."""
    got = run(
        "hotline",
        [("private_call", date(2026, 1, 5)), ("private_call", date(2026, 2, 5)), ("private_call", date(2026, 6, 5))],
    )
    assert [s.fine for s in got] == [D(50), D(100), D(0)]
    assert got[2].dismissal_proposal and got[2].forfeit_salary and not got[1].dismissal_proposal


def test_T31_company_lateness_warning_and_cleaning_then_20():
    """001:L115 (A T31): lates 1-3 a warning and a day of cleaning each; the 4th and 5th 20 yuan off the pay."""
    got = run("ecommerce", [("late", date(2026, 5, d)) for d in (4, 5, 6, 7, 8)])
    assert [(s.warning, s.cleaning_days) for s in got[:3]] == [(True, 1)] * 3
    assert [s.salary_deduction for s in got] == [D(0), D(0), D(0), D(20), D(20)]
    assert not got[3].warning and got[3].fine == 0  # a pay deduction, not a fine for the fund


def test_T32_attitude_complaint_20_into_the_fund():
    """001:L326 (A T32): a complaint for bad attitude: a 20-yuan fine, paid into the activity fund."""
    assert run("ecommerce", [("attitude_complaint", date(2026, 5, 4))])[0].fine == D(20)


def test_T3_government_deductions():
    """000:L39 (A T3, B T37 last case): 2 lates → −40; late + early + not at post → the whole bonus; absenteeism once
    −50, twice the whole bonus."""
    two = L.tally(run("gov12345", [("late", date(2026, 3, 2)), ("late", date(2026, 3, 3))]))
    assert (two.bonus_deductions, two.forfeit_bonus) == (D(40), False)
    three = L.tally(
        run(
            "gov12345",
            [("late", date(2026, 3, 2)), ("early_leave", date(2026, 3, 3)), ("absent_from_post", date(2026, 3, 4))],
        )
    )
    assert three.forfeit_bonus
    once = L.tally(run("gov12345", [("absenteeism", date(2026, 3, 2))]))
    assert (once.bonus_deductions, once.forfeit_bonus) == (D(50), False)
    assert L.tally(
        run("gov12345", [("absenteeism", date(2026, 3, 2)), ("absenteeism", date(2026, 3, 9))])
    ).forfeit_bonus


def test_T3_government_tally_is_per_month():
    """000:L39 (月累计): two lates in March and one in April never reach 3 in a month."""
    t = L.tally(run("gov12345", [("late", date(2026, 3, 30)), ("late", date(2026, 3, 31)), ("late", date(2026, 4, 1))]))
    assert (t.bonus_deductions, t.forfeit_bonus) == (D(60), False)


def test_T4_leave_over_the_quarter_allowance():
    """000:L40 (A T4): 7 days of personal + sick leave in a quarter, 5 allowed: 2 days over, −40 yuan."""
    assert L.leave_overage_deduction(7) == D(40)
    assert L.leave_overage_deduction(5) == D(0)
    assert L.leave_overage_deduction(0) == D(0)


GOV = L.AttendanceRules(late_grace=0, absent_if_late_over=60, spot_check_explain_within=60, early_leave_window=30)
TELECOM = L.AttendanceRules(late_violation_from=20, away_violation_from=20)
OFFICE = L.AttendanceRules(away_absenteeism_over=10)


def test_T5_government_classification():
    """000:L30-31 (A T5, B T40): sign-in missing by 61 min → 旷工, by 60 → late; never signed in → 旷工; spot check
    explained at 45 min → 不在岗, at 61 → 旷工; away at 17:35 when work ends at 18:00 → 早退."""
    assert L.classify_sign_in(61, GOV) == "absenteeism"
    assert L.classify_sign_in(60, GOV) == "late"
    assert L.classify_sign_in(1, GOV) == "late"
    assert L.classify_sign_in(0, GOV) is None
    assert L.classify_sign_in(None, GOV) == "absenteeism"
    assert L.classify_spot_check(45, GOV) == "absent_from_post"
    assert L.classify_spot_check(50, GOV) == "absent_from_post"
    assert L.classify_spot_check(61, GOV) == "absenteeism"
    assert L.classify_spot_check(None, GOV) == "absenteeism"
    assert L.classify_away(40, 25, GOV) == "early_leave"  # 17:35, end 18:00
    assert L.classify_away(40, 30, GOV) == "early_leave"
    assert L.classify_away(40, 31, GOV) is None


def test_T6_government_leave_approvers():
    """000:L37 (A T6): 3 days, general staff → leader in charge; 4 days → leader in charge then main leader;
    deputy-section level, 1 day → main leader."""
    assert L.leave_approvers(3, "staff") == ["leader_in_charge"]
    assert L.leave_approvers(4, "staff") == ["leader_in_charge", "main_leader"]
    assert L.leave_approvers(1, "deputy_section") == ["main_leader"]
    assert L.leave_approvers(4, "station_head") == ["leader_in_charge", "main_leader"]


def test_T16_leave_pay_effects():
    """002:L494 (B T16): personal leave → the day's base pay + 30; sick 2 days with certificate → base pay only;
    sick 2 days without → as personal leave."""
    assert L.leave_pay_effect("personal", 1, False) == L.PayEffect(base_pay_days=D(1), fine=D(30))
    assert L.leave_pay_effect("sick", 2, True) == L.PayEffect(base_pay_days=D(2))
    assert L.leave_pay_effect("sick", 2, False) == L.PayEffect(base_pay_days=D(2), fine=D(60))
    assert L.leave_pay_effect("sick", 1, True).fine == D(30)  # one day: below "二天以上(含两天)"


def test_T17_no_show():
    """002:L496 (B T17): absent without leave 1 day → twice the day's base; 3 days → deemed resignation; 2 days → 4×."""
    assert L.no_show_pay_effect(1) == L.PayEffect(base_pay_days=D(2))
    assert L.no_show_pay_effect(2) == L.PayEffect(base_pay_days=D(4))
    assert L.no_show_pay_effect(3).deemed_resigned and L.no_show_pay_effect(3).forfeit_salary


def test_T18_office_absence_over_10_minutes():
    """002:L465 (B T18): away 11 minutes unapproved → half a day of absenteeism; 10 minutes → fine."""
    assert L.classify_away(11, 120, OFFICE) == "absenteeism_half_day"
    assert L.classify_away(10, 120, OFFICE) is None


def test_T19_telecom_late_20_minutes_is_a_violation():
    """002:L75 (B T19): late 19 min → late, not 违纪; 20 → violation. Away from the post 20 min or more: violation."""
    assert L.classify_sign_in(19, TELECOM) == "late" and not L.late_is_violation(19, TELECOM)
    assert L.late_is_violation(20, TELECOM)
    assert L.classify_away(19, 200, TELECOM) is None
    assert L.classify_away(20, 200, TELECOM) == "left_post"


def test_T12_fund_takes_every_fine():
    """000:L203, 001:L326 (A T12): the fines of a month sum into the fund; pay and bonus deductions do not."""
    from kefu.discipline.appraisal import fund_balance

    got = run(
        "ecommerce",
        [("non_work", date(2026, 5, 1)), ("non_work", date(2026, 5, 2)), ("attitude_complaint", date(2026, 5, 3))]
        + [("late", date(2026, 5, d)) for d in range(4, 9)],
    )
    assert fund_balance([s.fine for s in got], []) == D(60)
    assert fund_balance([s.fine for s in got], [D("45.50")]) == D("14.50")


def test_people_and_periods_count_apart():
    got = L.number_occurrences(
        [
            L.Event("a", "late", date(2026, 1, 1)),
            L.Event("b", "late", date(2026, 1, 2)),
            L.Event("a", "late", date(2026, 1, 3)),
        ],
        ladders("hotline"),
    )
    assert got == [1, 1, 2]


@pytest.mark.parametrize(
    "data, field, code",
    [
        ({"steps": [{"fine": "-10"}]}, "ladder.steps[0].fine", "discipline.ladder.negative"),
        ({"steps": [{"fine": "ten"}]}, "ladder.steps[0].fine", "discipline.ladder.not_money"),
        ({"steps": [{"fine": "1.001"}]}, "ladder.steps[0].fine", "discipline.ladder.cents"),
        ({"steps": [{"fine": True}]}, "ladder.steps[0].fine", "discipline.ladder.not_money"),
        ({"steps": [{"fin": "10"}]}, "ladder.steps[0].fin", "discipline.ladder.unknown_key"),
        ({"steps": []}, "ladder.steps", "discipline.ladder.no_steps"),
        ({"steps": [{"warning": True}], "period": "week"}, "ladder.period", "discipline.ladder.bad_period"),
        ({"steps": [{"cleaning_days": 40}]}, "ladder.steps[0].cleaning_days", "discipline.ladder.bad_days"),
    ],
)
def test_bad_ladder_data_names_the_field(data, field, code):
    with pytest.raises(L.LadderError) as bad:
        L.ladder_from_data(data)
    assert (bad.value.field, bad.value.code) == (field, code)


def test_one_tally_one_period():
    types = {
        "a": {"ladder": {"steps": [{"fine": "1"}], "group": "g"}},
        "b": {"ladder": {"steps": [{"fine": "1"}], "group": "g", "period": "year"}},
    }
    with pytest.raises(L.LadderError) as bad:
        L.ladders_from_types(types)
    assert bad.value.code == "discipline.ladder.group_period"


def test_sanction_round_trips_as_data():
    s = L.Sanction(fine=D("10.50"), warning=True, cleaning_days=1)
    assert L.sanction_from_data(L.sanction_to_data(s)) == s


def test_every_preset_parses():
    for preset in PRESETS.values():
        assert L.ladders_from_types(preset["types"])
