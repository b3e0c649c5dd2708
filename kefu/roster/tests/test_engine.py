"""The pure engine and the center model: each seed scheduling rule on a small instance (fast)."""

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from kefu.roster import center, engine, policy
from kefu.roster.engine import Agent, IntervalCover, Problem, Request, ShiftCover, ShiftType

HOTLINE = policy.with_shifts("hotline")
ECOMMERCE = policy.with_shifts("ecommerce")


def _day_problem(agents, days, cover_per_day, **kw):
    d = ShiftType("D", 540, 8 * 60)
    return Problem(
        days=days,
        shifts=(d,),
        agents=tuple(agents),
        shift_cover=tuple(ShiftCover(i, "D", cover_per_day, 100, 1) for i in range(days)),
        **kw,
    )


def test_week_hours_average_at_most_40():  # 004:L743 平均周工作长不超过40小时
    assert center.max_minutes(HOTLINE, 7) == 40 * 60
    assert center.max_minutes(HOTLINE, 28) == 160 * 60
    agent = Agent("1001", max_minutes=center.max_minutes(HOTLINE, 7))
    sol = engine.solve(_day_problem([agent], 7, 1), time_limit=10)
    # 9-hour shifts: 4 × 9 = 36 h fits in 40 h, a fifth (45 h) does not; 3 uncovered days × 100
    assert sol.status == "OPTIMAL"
    assert len(sol.roster) == 4
    assert sol.objective == 300


def test_min_rest_between_shifts_arithmetic():  # 004:L745 员工的生理及心理承受能力: 12 h between shifts
    o, d, n, r = ShiftType("O", 480, 60), ShiftType("D", 540, 480), ShiftType("N", 480, 1020), ShiftType("R", 540, 540)
    forbidden = engine.forbidden_by_rest([o, d, n, r], 12 * 60)
    # N 17:00-01:00 ends at 25:00: O next day starts 25:00 (0 h), D 32:00 (7 h), R 33:00 (8 h), N 41:00 (16 h)
    assert forbidden["N"] == {"O", "D", "R"}
    # D ends 17:00: O next day 25:00 is 8 h; R ends 18:00: 7 h
    assert forbidden["D"] == {"O"}
    assert forbidden["R"] == {"O"}
    # O ends 09:00: every next-day shift starts at least 16 h later
    assert forbidden["O"] == frozenset()


def test_night_then_morning_is_never_scheduled():  # 004:L745
    shifts = tuple(center.shift_types(HOTLINE))
    a = Agent("1001")
    wants = (Request("1001", 0, "N", 50, True), Request("1001", 1, "D", 50, True))
    sol = engine.solve(Problem(days=2, shifts=shifts, agents=(a,), requests=wants), time_limit=10)
    assert sol.status == "OPTIMAL"
    assert not (sol.roster.get(("1001", 0)) == "N" and sol.roster.get(("1001", 1)) == "D")
    assert sol.objective == 50  # exactly one of the two wishes is given up


def test_24_hour_cover_by_the_hotline_shifts():  # 004:L741 1860热线为24小时服务制
    shifts = center.shift_types(HOTLINE)
    covered = set()
    for s in shifts:
        for day in (0, 1):  # a night shift of day 0 covers the first hour of day 1
            covered.update(t - 48 for t in engine.intervals_of(s, day, 30) if 48 <= t < 96)
    assert covered == set(range(48))


def test_ecommerce_shifts_follow_the_taobao_rulebook():  # 000:L180-189, 003:L5-14
    shifts = {s.code: s for s in center.shift_types(ECOMMERCE)}
    assert (shifts["D"].start_minute, shifts["D"].length_minutes) == (480, 540)  # 08:00-17:00
    assert (shifts["N"].start_minute, shifts["N"].length_minutes) == (1020, 480)  # 17:00-01:00
    assert (shifts["R"].start_minute, shifts["R"].length_minutes) == (540, 540)  # 09:00-18:00
    assert center.min_days_off(ECOMMERCE, 30) == 4  # 000:L189 每月四天休息


def test_max_consecutive_working_days():  # 002:L311 每周轮休一天 → at most 6 days in a row
    a = Agent("1001", max_consecutive=HOTLINE["max_consecutive_days"])
    sol = engine.solve(_day_problem([a], 10, 1), time_limit=10)
    worked = [("1001", d) in sol.roster for d in range(10)]
    assert sol.status == "OPTIMAL"
    assert "1" * 7 not in "".join("1" if w else "0" for w in worked)
    assert sum(worked) == 9  # one rest day is enough in 10 days (…6 on, 1 off, 3 on)


def test_rest_days_per_month():  # 000:L189 每月四天休息 (ecommerce); hotline 8 a month
    assert center.min_days_off(HOTLINE, 28) == 8  # ceil(8 × 28 / 30) = ceil(7.47)
    assert center.min_days_off(ECOMMERCE, 28) == 4  # ceil(4 × 28 / 30) = ceil(3.73)
    a = Agent("1001", min_days_off=4)
    sol = engine.solve(_day_problem([a], 14, 1), time_limit=10)
    assert sum(1 for d in range(14) if ("1001", d) in sol.roster) == 10


def test_holiday_slack_and_month_start_uplift():  # 004:L787 每个时段的台席都应有富裕, 004:L761 月初多上班
    inp = center.CenterInput(date(2026, 9, 29), 6, [center.AgentSpec("1001")], [[10] * 48] * 6, holidays={1, 2})
    req = center.adjusted_requirement(HOTLINE, inp)
    assert req[0][0] == 10  # 09-29: ordinary day
    assert req[1][0] == 11  # 09-30 holiday: 10 × 1.10
    assert req[2][0] == 13  # 10-01 holiday and month start: 10 × (1 + 0.10 + 0.15) = 12.5 → 13
    assert req[3][0] == 12  # 10-02 month start: 10 × 1.15 = 11.5 → 12
    assert req[5][0] == 12  # 10-04 is still within the first 5 days


def test_holiday_reserve_seats():  # 004:L787 保证有5-7个额外台席作为应急台席
    agents = [center.AgentSpec(str(1001 + i)) for i in range(8)]
    inp = center.CenterInput(date(2026, 5, 15), 3, agents, [[0] * 48] * 3, holidays={2})  # 05-17 telecom day
    problem = center.build_problem(HOTLINE, inp)
    sol = engine.solve(problem, time_limit=10)
    on_call = [k for k, v in sol.roster.items() if v == center.RESERVE]
    assert len(on_call) == HOTLINE["holiday_reserve_seats"] == 5
    assert {d for _, d in on_call} == {2}  # only on the holiday


def test_skill_cover_vip():  # 004:L2019 VIP话务员; skill seats from the policy
    p = Problem(
        days=1,
        shifts=(ShiftType("D", 540, 480),),
        agents=(Agent("1001"), Agent("1002", skills=frozenset({"vip"}))),
        interval_cover=tuple(IntervalCover(t, 1, 100, 0, "vip") for t in range(16, 34)),
    )
    sol = engine.solve(p, time_limit=10)
    assert sol.roster == {("1002", 0): "D"}
    assert sol.objective == 0


def test_fair_night_load():  # 004:L785 night shifts shared
    n = ShiftType("N", 480, 1020, night=True)
    d = ShiftType("D", 540, 480)
    agents = tuple(Agent(str(1001 + i)) for i in range(4))
    cover = tuple(ShiftCover(day, "N", 1, 100, 1) for day in range(8)) + tuple(
        ShiftCover(day, "D", 1, 100, 1) for day in range(8)
    )
    p = Problem(days=8, shifts=(d, n), agents=agents, shift_cover=cover, fair_night_weight=10)
    sol = engine.solve(p, time_limit=10)
    loads = [sum(1 for day in range(8) if sol.roster.get((a.id, day)) == "N") for a in agents]
    assert loads == [2, 2, 2, 2]
    assert sol.objective == 0


def test_day_off_request_is_weighed():  # 000:L189 休息時間由當月排班表執行: agents ask, the roster decides
    a, b = Agent("1001"), Agent("1002")
    p = _day_problem([a, b], 1, 1, requests=(Request("1001", 0, None, 5, False),))
    sol = engine.solve(p, time_limit=10)
    assert sol.roster == {("1002", 0): "D"} and sol.objective == 1 * 0 + 0
    # when nobody else can work, the request gives way to cover (100 > 5)
    sol = engine.solve(_day_problem([a], 1, 1, requests=(Request("1001", 0, None, 5, False),)), time_limit=10)
    assert sol.roster == {("1001", 0): "D"} and sol.objective == 5


def test_conflicting_hard_rules_are_named_and_a_roster_returned():
    # 40 h at most (004:L743) but 48 h at least: no roster satisfies both
    a = Agent("1001", max_minutes=2400, min_minutes=2880)
    sol = engine.solve(_day_problem([a], 7, 1), time_limit=10)
    assert sol.relaxed
    assert sol.conflicts and set(sol.conflicts) <= {"max_minutes", "min_minutes"}
    assert sol.roster  # the best roster found is still returned
    assert sol.evaluation.hard[0].label in (engine.RULE_FAMILIES["max_minutes"], engine.RULE_FAMILIES["min_minutes"])


def test_evaluate_hand_computed():
    # 3 days, cover 2 per day (under 100, over 1); agent 1001 works days 0,1,2 (max 2 consecutive), 1002 day 0
    p = Problem(
        days=3,
        shifts=(ShiftType("D", 480),),
        agents=(Agent("1001", max_consecutive=2), Agent("1002")),
        shift_cover=tuple(ShiftCover(d, "D", 2, 100, 1) for d in range(3)),
        requests=(Request("1002", 1, "D", 7, True), Request("1001", 2, None, 3, False)),
    )
    roster = {("1001", 0): "D", ("1001", 1): "D", ("1001", 2): "D", ("1002", 0): "D"}
    ev = engine.evaluate(p, roster)
    # under: day 1 one short, day 2 one short → 200; on-request of 1002 day 1 unmet 7; off-request day 2 broken 3
    assert ev.costs["cover_under"] == 200 and ev.costs["cover_over"] == 0
    assert ev.costs["shift_on_request"] == 7 and ev.costs["shift_off_request"] == 3
    assert ev.soft_cost == 210
    assert [(v.family, v.agent, v.amount) for v in ev.hard] == [("max_consecutive", "1001", 1)]


@settings(max_examples=25, deadline=None)
@given(st.lists(st.booleans(), min_size=1, max_size=21), st.integers(1, 5))
def test_max_consecutive_report_matches_runs(worked, k):
    p = Problem(days=len(worked), shifts=(ShiftType("D", 480),), agents=(Agent("a", max_consecutive=k),))
    roster = {("a", d): "D" for d, w in enumerate(worked) if w}
    ev = engine.evaluate(p, roster)
    longest = max((len(r) for r in "".join("1" if w else "0" for w in worked).split("0")), default=0)
    assert bool([v for v in ev.hard if v.family == "max_consecutive"]) == (longest > k)
