"""Services: forecast from imported calls, staffing per interval, the floor ladder log, the five tables."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from kefu.errors import Conflict, RuleViolation
from kefu.org.models import Policy
from kefu.wfm import services
from kefu.wfm.models import FloorState, FloorStep, ForecastAdjustment, IntervalForecast

TZ = ZoneInfo("Asia/Shanghai")


def add_calls(center, rows):
    """rows: (local datetime, outcome, talk, acw, agent staff no)."""
    from kefu.telephony.models import Call, ImportBatch

    batch = ImportBatch.objects.create(center=center, kind="simulator", file_name="t", sha256=f"{id(rows):064d}"[-64:])
    Call.objects.bulk_create(
        [
            Call(
                center=center,
                batch=batch,
                call_id=f"c{i}",
                offered_at=t,
                outcome=o,
                talk_seconds=talk,
                acw_seconds=acw,
                wait_seconds=0,
                agent_staff_no=agent,
            )
            for i, (t, o, talk, acw, agent) in enumerate(rows)
        ]
    )


def use_policy(center, **wfm):
    Policy.objects.filter(center=center).update(overrides={"wfm": wfm})


@pytest.fixture
def four_weeks(center):
    """1-28 June 2026 (no month-start effect asked for): every day 09:00-09:29, 20 calls, 18 answered (150 s + 30 s)."""
    rows = []
    for k in range(28):
        d = date(2026, 6, 1) + timedelta(days=k)
        for i in range(20):
            t = datetime(d.year, d.month, d.day, 9, i, tzinfo=TZ)
            rows.append((t, "answered" if i < 18 else "abandoned", 150 if i < 18 else 0, 30 if i < 18 else 0, "1001"))
    add_calls(center, rows)
    use_policy(center, forecast={"history_weeks": 4, "month_start_days": 0})
    return rows


@pytest.mark.django_db
def test_build_forecast_from_imported_calls(center, four_weeks):
    # 22-28 June are a holiday-free week in chinese-calendar (端午 is 19 June 2026)
    out = services.build_forecast(center, start=date(2026, 6, 29), days=7)
    assert out["minutes"] == 30 and out["intervals"] == 7 * 48
    assert out["backtest_wape"] == pytest.approx(0.0, abs=1e-9)
    row = IntervalForecast.objects.get(center=center, start=datetime(2026, 6, 29, 9, 0, tzinfo=TZ))
    assert row.calls == pytest.approx(20.0)  # blocked/abandoned are demand too (004:L1723)
    assert row.aht == pytest.approx(180.0)  # (150 + 30) over answered calls
    assert IntervalForecast.objects.get(center=center, start=datetime(2026, 6, 29, 10, 0, tzinfo=TZ)).calls == 0
    # building again replaces, does not duplicate
    services.build_forecast(center, start=date(2026, 6, 29), days=7)
    assert IntervalForecast.objects.filter(center=center).count() == 7 * 48


@pytest.mark.django_db
def test_month_start_peak_through_the_service(center):
    # 004:L761: June history; days 1-5 carry 30 calls at 09:00, the other days 20 → factor 1.5; 1 July forecast 30
    rows = []
    for k in range(30):
        d = date(2026, 6, 1) + timedelta(days=k)
        n = 30 if d.day <= 5 else 20
        rows += [(datetime(d.year, d.month, d.day, 9, i % 30, tzinfo=TZ), "answered", 180, 0, "1001") for i in range(n)]
    add_calls(center, rows)
    use_policy(center, forecast={"history_weeks": 5, "month_start_days": 5})
    out = services.build_forecast(center, start=date(2026, 7, 1), days=7)
    assert out["month_start_factor"] == pytest.approx(1.5)
    first = IntervalForecast.objects.get(center=center, start=datetime(2026, 7, 1, 9, 0, tzinfo=TZ))
    sixth = IntervalForecast.objects.get(center=center, start=datetime(2026, 7, 6, 9, 0, tzinfo=TZ))
    assert first.calls == pytest.approx(30.0) and sixth.calls == pytest.approx(20.0)


@pytest.mark.django_db
def test_forecast_without_history_is_refused_and_changes_nothing(center):
    with pytest.raises(RuleViolation) as exc:
        services.build_forecast(center, start=date(2026, 6, 29), days=7)
    assert exc.value.problems[0].field == "start" and "没有话务历史" in exc.value.problems[0].message
    with pytest.raises(RuleViolation):
        services.build_forecast(center, start=date(2026, 6, 29), days=0)
    assert IntervalForecast.objects.count() == 0


@pytest.mark.django_db
def test_event_adjustment_applies_and_bad_ones_change_nothing(center, four_weeks, make_staff):
    lead = make_staff("team_lead")
    services.add_adjustment(
        center,
        name="短信宣传",
        start=datetime(2026, 6, 29, 9, 0, tzinfo=TZ),
        end=datetime(2026, 6, 29, 9, 30, tzinfo=TZ),
        factor=2.0,
        extra_calls=5,
        by=lead,
    )
    services.build_forecast(center, start=date(2026, 6, 29), days=1)
    assert IntervalForecast.objects.get(
        center=center, start=datetime(2026, 6, 29, 9, 0, tzinfo=TZ)
    ).calls == pytest.approx(45.0)
    for bad in (
        {"name": ""},
        {"end": datetime(2026, 6, 29, 8, 0, tzinfo=TZ)},
        {"factor": -1},
        {"start": datetime(2026, 6, 29, 9, 0)},
    ):
        kwargs = {
            "name": "x",
            "start": datetime(2026, 6, 29, 9, 0, tzinfo=TZ),
            "end": datetime(2026, 6, 29, 10, 0, tzinfo=TZ),
            **bad,
        }
        with pytest.raises(RuleViolation):
            services.add_adjustment(center, **kwargs)
    assert ForecastAdjustment.objects.count() == 1


@pytest.mark.django_db
def test_staffing_plan_reproduces_the_spec_reference(center):
    # SPEC: 100 calls / 30 min, AHT 180 s, 80/20 → 14 on the phones, 20 scheduled with 30 % shrinkage (Erlang C)
    use_policy(center, model="C", targets={"asa": 60, "occupancy_cap": 0.95})
    IntervalForecast.objects.create(
        center=center, start=datetime(2026, 6, 29, 9, 0, tzinfo=TZ), minutes=30, calls=100, aht=180
    )
    plan = services.staffing_plan(center, date(2026, 6, 29))
    (row,) = plan["rows"]
    assert (row["traffic"], row["required"], row["scheduled_needed"]) == (10.0, 14, 20)
    assert row["service_level"] == pytest.approx(0.8883500, abs=5e-8)
    assert plan["roster_available"] in (True, False)
    # the hotline preset's Erlang A (patience 60 s) counts abandons: 5 % cap, and needs a different number
    plan_a = services.staffing_plan(center, date(2026, 6, 29), model="A")
    assert plan_a["rows"][0]["p_abandon"] <= 0.05


@pytest.mark.django_db
def test_staffing_without_forecast_is_a_clear_error(center):
    with pytest.raises(RuleViolation) as exc:
        services.staffing_plan(center, date(2026, 6, 29))
    assert exc.value.problems[0].rule == "no_forecast"


# ------------------------------------------------------------------ the floor

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=TZ)  # a Monday, day shift


def at(minutes):
    return T0 + timedelta(minutes=minutes)


@pytest.mark.django_db
def test_floor_log_records_who_proposed_who_confirmed_and_when(center, make_staff):
    # 004:L767: W=7 for 5 minutes → the ladder proposes the floating experts; the supervisor confirms
    sup = make_staff("supervisor")
    for m in range(0, 5):
        assert services.observe_floor(center, 7, now=at(m)) is None
    step = services.observe_floor(center, 7, now=at(5))
    assert (step.group, step.status, step.rule, step.proposed_by) == ("floating_expert", "pending", "004:L767", None)
    assert services.observe_floor(center, 8, now=at(6)).pk == step.pk  # still the same pending proposal
    agent = make_staff("agent", staff_no="3001")
    done = services.decide_step(center, step.pk, by=sup, confirm=True, staff_nos=["3001"], now=at(6))
    assert (done.status, done.decided_by, done.decided_at, done.staff_nos) == ("confirmed", sup, at(6), ["3001"])
    assert FloorState.objects.get(center=center).signed_in == ["floating_expert"]
    with pytest.raises(Conflict):
        services.decide_step(center, step.pk, by=sup, confirm=True, now=at(7))
    assert agent.staff_no == "3001"


@pytest.mark.django_db
def test_stale_proposal_is_withdrawn_and_rejection_changes_no_state(center, make_staff):
    sup = make_staff("supervisor")
    for m in range(0, 6):
        services.observe_floor(center, 9, now=at(m))
    pending = FloorStep.objects.get(status="pending")
    assert services.observe_floor(center, 3, now=at(7)) is None  # W fell: proposal withdrawn
    pending.refresh_from_db()
    assert pending.status == "withdrawn" and "条件已消失" in pending.note
    for m in range(8, 14):
        services.observe_floor(center, 9, now=at(m))
    step = FloorStep.objects.get(status="pending")
    services.decide_step(center, step.pk, by=sup, confirm=False, note="人手不足", now=at(14))
    assert FloorState.objects.get(center=center).signed_in == []
    assert FloorStep.objects.get(pk=step.pk).status == "rejected"


@pytest.mark.django_db
def test_night_on_the_floor_follows_the_shift_calendar(center):
    # 004:L785: at night every non-traffic seat but one supervisor joins at once. 19:00 on the hotline calendar:
    # only the 晚班 17:00-01:00 is on (a night shift by its hours) -> the night step; at 17:30 the 常班 is still on.
    evening = datetime(2026, 11, 23, 19, 0, tzinfo=TZ)
    for m in range(0, 6):
        step = services.observe_floor(center, 7, now=evening + timedelta(minutes=m))
    assert (step.group, step.rule) == ("night_all", "004:L785")
    FloorStep.objects.all().delete()
    FloorState.objects.all().delete()
    dusk = datetime(2026, 11, 24, 17, 30, tzinfo=TZ)
    for m in range(0, 6):
        step = services.observe_floor(center, 7, now=dusk + timedelta(minutes=m))
    assert step.group == "floating_expert"


@pytest.mark.django_db
def test_bad_floor_input_changes_nothing(center, make_staff):
    sup = make_staff("supervisor")
    services.observe_floor(center, 2, now=at(0))
    with pytest.raises(RuleViolation):
        services.observe_floor(center, -1, now=at(1))
    with pytest.raises(RuleViolation):
        services.observe_floor(center, 7, now=at(-5))  # time going backwards
    state = FloorState.objects.get(center=center)
    assert (state.last_waiting, state.observed_at) == (2, at(0))
    for m in range(1, 7):
        services.observe_floor(center, 7, now=at(m))
    step = FloorStep.objects.get(status="pending")
    with pytest.raises(RuleViolation) as exc:
        services.decide_step(center, step.pk, by=sup, confirm=True, staff_nos=["nobody9"], now=at(7))
    assert exc.value.problems[0].field == "staff_nos"
    assert FloorStep.objects.get(pk=step.pk).status == "pending"
    assert FloorState.objects.get(center=center).signed_in == []


@pytest.mark.django_db
def test_night_rule_through_the_service(center, make_staff):
    # 004:L785: at 23:00 the only step is "all non-traffic seats except 1 on-site supervisor"
    night = datetime(2026, 11, 23, 23, 0, tzinfo=TZ)
    for m in range(0, 6):
        step = services.observe_floor(center, 8, now=night + timedelta(minutes=m))
    assert step.group == "night_all" and step.rule == "004:L785"


@pytest.mark.django_db
def test_telecom_day_counts_as_a_holiday(center):
    # 004:L787: "5.17" 电信日 → after the four day steps, the holiday reserve seats
    day = datetime(2027, 5, 17, 9, 0, tzinfo=TZ)
    sup_steps = []
    from kefu.org import services as org

    sup = org.create_staff(center, staff_no="9901", name="值班长", roles=["supervisor"])
    for m in range(0, 60):
        step = services.observe_floor(center, 15, now=day + timedelta(minutes=m))
        if step and step.status == "pending":
            sup_steps.append(step.group)
            services.decide_step(center, step.pk, by=sup, confirm=True, now=day + timedelta(minutes=m))
    assert sup_steps[:5] == ["floating_expert", "outbound", "qa", "back_office", "holiday_reserve"]


# ------------------------------------------------------------------ five tables


@pytest.mark.django_db
def test_five_tables_hand_computed(center):
    # 004:L753-757. Last month (June): 20 calls on 1 June, 18 answered by two agents → 9 per agent; a forecast of 25.
    # This month (July): one interval of 100 calls / 30 min at AHT 180 → 14 seats (hotline preset, Erlang A aside)
    use_policy(center, model="C", targets={"asa": 60, "occupancy_cap": 0.95}, forecast={"max_calls_per_agent_hour": 12})
    add_calls(
        center,
        [
            (
                datetime(2026, 6, 1, 9, i, tzinfo=TZ),
                "answered" if i < 18 else "abandoned",
                180,
                0,
                "1001" if i % 2 else "1002",
            )
            for i in range(20)
        ],
    )
    IntervalForecast.objects.create(
        center=center, start=datetime(2026, 6, 1, 9, 0, tzinfo=TZ), minutes=30, calls=25, aht=180
    )
    IntervalForecast.objects.create(
        center=center, start=datetime(2026, 7, 1, 9, 0, tzinfo=TZ), minutes=30, calls=100, aht=180
    )
    t = services.five_tables(center, date(2026, 7, 1))
    if t["seat_source"] == "erlang":
        assert t["table1"][0] == {"day": date(2026, 7, 1), "seats": [14], "average": 14.0}
        assert t["table2"][0] == {"day": date(2026, 7, 1), "forecast": 100, "capacity": 84}  # 004:L749: 14 × 0.5 h × 12
    # Every day of July is listed; days without a forecast yet show "—" (None), not a missing row (QA finding).
    assert len(t["table1"]) == len(t["table2"]) == 31
    assert t["table2"][30] == {"day": date(2026, 7, 31), "forecast": None, "capacity": None}
    june1 = t["table3"][0]
    assert (june1["offered"], june1["answered"], june1["agents"], june1["per_agent"]) == (20, 18, 2, 9.0)
    assert t["table4"][0] == {"day": date(2026, 6, 1), "actual": 20, "forecast": 25, "error": -0.25}
    assert t["last_month_wape"] == pytest.approx(5 / 20)
    # 25 calls / 30 min at 180 s = 2.5 Erl → Erlang C 80/20 needs 5 agents → 5 calls per agent forecast
    assert t["table5"][0] == {"day": date(2026, 6, 1), "per_agent_actual": 9.0, "per_agent_forecast": 5.0}
    assert len(t["table3"]) == 30
    assert services.five_tables_xlsx(center, date(2026, 7, 1))[:2] == b"PK"


def test_policy_presets_and_validation():
    # 004:L1703-1709 80/20, 004:L1477 ASA 20 s, 004:L1551 abandon ≤ 5 %, 001:L149 e-commerce 9 s, 004:L767-773 ladder
    from kefu.org.policy import validate_overrides
    from kefu.wfm.policy import PRESETS

    assert PRESETS["hotline"]["targets"]["threshold"] == 20 and PRESETS["gov12345"]["targets"]["threshold"] == 15
    assert PRESETS["ecommerce"]["targets"]["threshold"] == 9
    assert [s["group"] for s in PRESETS["hotline"]["ladder"]["steps"]] == [
        "floating_expert",
        "outbound",
        "qa",
        "back_office",
    ]
    assert validate_overrides("hotline", {"wfm": {"targets": {"shrinkage": 0.3}}}) == []
    errors = dict(
        validate_overrides(
            "hotline", {"wfm": {"targets": {"service_level": 1.5}, "model": "B", "ladder": {"band_low": 12}}}
        )
    )
    assert set(errors) >= {"wfm.targets.service_level", "wfm.model", "wfm.ladder.band_low"}
