"""The emergency staffing ladder (004:L763-787), catalogue C §9.2 items 8-10."""

from datetime import datetime, timedelta

import pytest

from kefu.wfm import ladder
from kefu.wfm.ladder import LadderConfig, LadderState
from kefu.wfm.policy import PRESETS

CFG = LadderConfig.from_policy(PRESETS["hotline"]["ladder"])
T0 = datetime(2026, 11, 23, 9, 0)


def run(state, minutes_and_waiting, *, night=False, holiday=False, confirm=True):
    """Feed (minute, waiting) observations; confirm every proposal at once. Returns (state, [(minute, proposal)])."""
    taken = []
    for minute, waiting in minutes_and_waiting:
        now = T0 + timedelta(minutes=minute)
        state = ladder.observe(state, now, waiting, CFG)
        proposal = ladder.due(state, now, CFG, night=night, holiday=holiday)
        if proposal:
            taken.append((minute, proposal))
            if confirm:
                state = ladder.confirm(state, proposal, now)
    return state, taken


def every_minute(start, end, waiting):
    return [(m, waiting) for m in range(start, end + 1)]


def test_steps_one_to_three_every_five_minutes_in_the_band():
    # 004:L767-771 (C §9.2 item 8): W=7 for 5 min → step 1; still 7 five minutes later → step 2; 5 more → step 3
    state, taken = run(LadderState(), every_minute(0, 15, 7))
    assert [(m, p.group) for m, p in taken] == [(5, "floating_expert"), (10, "outbound"), (15, "qa")]
    assert [p.rule for _, p in taken] == ["004:L767", "004:L769", "004:L771"]
    assert taken[1][1].seats == 3 and taken[1][1].label == "呼出台席"
    assert state.signed_in == ("floating_expert", "outbound", "qa")


def test_step_four_only_when_above_ten_after_three_steps():
    # 004:L773: after the first three steps, W = 12 → back office; W = 8 keeps waiting (step 4 needs > 10)
    state, _ = run(LadderState(), every_minute(0, 15, 7))
    state, taken = run(state, every_minute(16, 30, 8))
    assert taken == []
    state, taken = run(state, [(31, 12)])
    assert [(m, p.group, p.rule) for m, p in taken] == [(31, "back_office", "004:L773")]


def test_sign_out_in_reverse_order_when_at_or_below_five():
    # 004:L781: W falls to 4 → sign out in the reverse order of sign-in, one group per period
    state, _ = run(LadderState(), every_minute(0, 15, 7) + [(16, 12)])
    assert len(state.signed_in) == 4
    state, taken = run(state, every_minute(17, 40, 4))
    assert [p.group for _, p in taken] == ["back_office", "qa", "outbound", "floating_expert"]
    assert all(p.action == "sign_out" and p.rule == "004:L781" for _, p in taken)
    assert [m for m, _ in taken] == [22, 27, 32, 37]  # 5 minutes after 17, then 5 after each sign-out
    assert state.signed_in == ()


def test_four_minutes_is_not_enough():
    # C §9.2 item 8: W=7 for only 4 min → no action ("5分钟以上" read as >= 5 min)
    _, taken = run(LadderState(), every_minute(0, 4, 7))
    assert taken == []
    _, taken = run(LadderState(), every_minute(0, 4, 7) + [(5, 3)] + every_minute(6, 9, 7))
    assert taken == []  # the clock restarts when W drops to 5 or below


def test_five_waiting_is_not_above_five():
    # 004:L767 boundary: 5 < W; W = 5 for an hour → nothing
    _, taken = run(LadderState(), every_minute(0, 60, 5))
    assert taken == []
    _, taken = run(LadderState(), every_minute(0, 5, 6))
    assert [p.group for _, p in taken] == ["floating_expert"]


def test_above_ten_before_the_first_steps_runs_them_in_order():
    # the seed is silent; W = 15 from the start still signs in experts first, 5 minutes apart, then back office at once
    _, taken = run(LadderState(), every_minute(0, 16, 15))
    assert [(m, p.group) for m, p in taken] == [
        (5, "floating_expert"),
        (10, "outbound"),
        (15, "qa"),
        (16, "back_office"),
    ]


def test_overtime_after_every_step_when_still_above_ten():
    # 004:L775-777: still unresolved → compute seats needed and arrange emergency overtime
    state, taken = run(LadderState(), every_minute(0, 40, 15))
    groups = [p.group for _, p in taken]
    assert groups == ["floating_expert", "outbound", "qa", "back_office", "overtime"]
    assert taken[-1][1].rule == "004:L777"


def test_unconfirmed_proposal_is_repeated_not_skipped():
    # the ladder never skips a step the supervisor has not confirmed
    _, taken = run(LadderState(), every_minute(0, 12, 7), confirm=False)
    assert {p.group for _, p in taken} == {"floating_expert"}


def test_night_signs_in_every_non_traffic_seat_but_one_supervisor():
    # 004:L785 (C §9.2 item 9)
    state, taken = run(LadderState(), every_minute(0, 12, 7), night=True)
    assert [(m, p.group) for m, p in taken] == [(5, "night_all")]
    assert "1名现场业务督导" in taken[0][1].label and taken[0][1].rule == "004:L785"
    state, taken = run(state, every_minute(13, 20, 2), night=True)
    assert [p.action for _, p in taken] == ["sign_out"]


def test_holiday_adds_the_reserve_seats_after_the_day_steps():
    # 004:L787: 5-7 extra emergency seats on call on holidays
    _, taken = run(LadderState(), every_minute(0, 40, 15), holiday=True)
    groups = [p.group for _, p in taken]
    assert groups[:5] == ["floating_expert", "outbound", "qa", "back_office", "holiday_reserve"]
    reserve = taken[4][1]
    assert reserve.seats == 5 and reserve.rule == "004:L787"


def test_bad_observations():
    state = ladder.observe(LadderState(), T0, 3, CFG)
    with pytest.raises(ValueError):
        ladder.observe(state, T0 - timedelta(minutes=1), 3, CFG)
    with pytest.raises(ValueError):
        ladder.observe(state, T0, -1, CFG)
    with pytest.raises(ValueError):
        ladder.confirm(LadderState(signed_in=("a", "b")), ladder.Proposal("sign_out", "a", "", None, "", ""), T0)
