"""Services and API: generate, publish, manual edits checked against the rules, requests, scheduled time."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from kefu.errors import RuleViolation
from kefu.org.models import Skill
from kefu.roster import policy, selectors, services
from kefu.roster.models import Assignment, Roster, RosterEdit, RosterRequest

START = date(2030, 3, 4)  # a Monday with no public holiday that week


@pytest.fixture
def agents(make_staff):
    vip = Skill.objects.get_or_create(code="vip", defaults={"name": "VIP"})[0]
    complaint = Skill.objects.get_or_create(code="complaint", defaults={"name": "投诉"})[0]
    out = [make_staff("agent", staff_no=str(3001 + i)) for i in range(5)]
    out.append(make_staff("senior_agent", staff_no="3006", skills=[vip, complaint]))
    return out


@pytest.fixture
def lead(make_staff):
    return make_staff("supervisor", staff_no="3900")


def _small(center, lead, days=7):
    # 2 seats 08:00-18:00 and 1 seat 18:00-01:00: small enough to solve in a second or two
    row = [0] * 16 + [2] * 20 + [1] * 12
    return services.generate(
        center, start=START, days=days, actor=lead, requirement=[row] * days, holidays=[], time_limit=3
    )


def test_generate_saves_a_draft_that_keeps_every_hard_rule(center, agents, lead):
    roster = _small(center, lead)
    assert roster.status == Roster.Status.DRAFT
    assert roster.report["hard"] == []
    assert Assignment.objects.filter(roster=roster).count() > 0
    codes = set(Assignment.objects.filter(roster=roster).values_list("code", flat=True))
    assert codes <= {"D", "N", "R", "O"}
    # ≤ 40 h a week (004:L743): 7 days → at most 40 h each
    for staff in agents:
        minutes = sum(a.shift.minutes for a in Assignment.objects.filter(roster=roster, staff=staff))
        assert minutes <= 40 * 60


def test_generate_rejects_a_malformed_requirement_and_writes_nothing(center, agents, lead):
    with pytest.raises(RuleViolation) as exc:
        services.generate(center, start=START, days=2, actor=lead, requirement=[[1] * 47, [1] * 48], holidays=[])
    assert exc.value.problems[0].field == "requirement"
    with pytest.raises(RuleViolation):
        services.generate(center, start=START, days=0, actor=lead)
    assert Roster.objects.count() == 0


def test_publish_and_scheduled_intervals_cross_midnight(center, agents, lead):
    roster = _small(center, lead)
    services.publish(roster, lead)
    roster.refresh_from_db()
    assert roster.status == Roster.Status.PUBLISHED
    tz = ZoneInfo(center.time_zone)
    rows = selectors.scheduled_intervals(center, datetime(2030, 3, 4, tzinfo=tz), datetime(2030, 3, 11, tzinfo=tz))
    assert len(rows) == Assignment.objects.filter(roster=roster).count()
    nights = [r for r in rows if r[3] == "N"]
    assert nights, "the 18:00-01:00 seat needs a night shift"
    staff_no, s, e, code = nights[0]
    assert (s.hour, e.hour, (e - s).total_seconds()) == (17, 1, 8 * 3600)
    assert e.date() == s.date() + timedelta(days=1)
    # a second roster over the same days cannot be published (double scheduled time)
    other = _small(center, lead, days=3)
    with pytest.raises(RuleViolation) as exc:
        services.publish(other, lead)
    assert exc.value.problems[0].rule == "overlap"
    assert Roster.objects.get(pk=other.pk).status == Roster.Status.DRAFT


def test_drafts_are_not_scheduled_time(center, agents, lead):
    _small(center, lead)
    assert selectors.scheduled_intervals(center, START, START + timedelta(days=7)) == []


def _cell(roster, code):
    return Assignment.objects.filter(roster=roster, code=code).select_related("staff").order_by("day").first()


def test_edit_that_breaks_min_rest_is_refused_and_changes_nothing(center, agents, lead):  # 004:L745
    roster = _small(center, lead)
    night = _cell(roster, "N")
    if night.day == START + timedelta(days=6):
        pytest.skip("night on the last day")
    next_day = night.day + timedelta(days=1)
    before = list(Assignment.objects.filter(roster=roster).values_list("staff_id", "day", "code"))
    with pytest.raises(RuleViolation) as exc:
        services.edit_assignment(roster, staff_no=night.staff.staff_no, day=next_day, code="D", actor=lead)
    assert exc.value.problems[0].rule == "forbidden_successor"
    assert "班次衔接" in exc.value.problems[0].message
    assert list(Assignment.objects.filter(roster=roster).values_list("staff_id", "day", "code")) == before
    assert RosterEdit.objects.count() == 0


def test_edit_that_costs_cover_is_accepted_with_a_warning(center, agents, lead):
    roster = _small(center, lead)
    cell = _cell(roster, "D") or _cell(roster, "R")
    edit = services.edit_assignment(roster, staff_no=cell.staff.staff_no, day=cell.day, code=None, actor=lead)
    assert edit.old_code == cell.code and edit.new_code == ""
    assert any(w["family"] == "cover_under" for w in edit.warnings)
    assert not Assignment.objects.filter(roster=roster, staff=cell.staff, day=cell.day).exists()
    roster.refresh_from_db()
    assert roster.report["under_intervals"] > 0


def test_edit_refuses_unknown_shift_and_days_outside_the_period(center, agents, lead):
    roster = _small(center, lead)
    with pytest.raises(RuleViolation) as exc:
        services.edit_assignment(roster, staff_no="3001", day=START, code="X", actor=lead)
    assert exc.value.problems[0].field == "code"
    with pytest.raises(RuleViolation) as exc:
        services.edit_assignment(roster, staff_no="3001", day=START - timedelta(days=1), code="D", actor=lead)
    assert exc.value.problems[0].field == "day"


def test_day_off_request_flows_into_the_roster(center, agents, lead):  # 000:L189 休息時間由當月排班表執行
    agent = agents[0]
    RosterRequest.objects.create(center=center, staff=agent, day=START + timedelta(days=2), kind="day_off")
    roster = _small(center, lead)
    assert {"staff_no": agent.staff_no, "day": 2, "shift": None, "on": False, "weight": None} in roster.inputs[
        "requests"
    ]
    problem = services.problem_of(roster.inputs)
    assert [(r.agent, r.day, r.shift, r.on, r.weight) for r in problem.requests] == [
        (agent.staff_no, 2, None, False, policy.PRESETS["hotline"]["weights"]["day_off_request"])
    ]
    # honoured, or (when the time limit ran out first) priced in the report: never silently dropped
    worked = Assignment.objects.filter(roster=roster, staff=agent, day=START + timedelta(days=2)).exists()
    assert roster.report["costs"]["shift_off_request"] == (20 if worked else 0)


def test_submit_request_rules(center, agents, lead):
    agent = agents[0]
    day = date.today() + timedelta(days=10)
    r = services.submit_request(agent, day=day, kind="day_off")
    assert r.staff == agent and r.shift_code == ""
    with pytest.raises(RuleViolation) as exc:
        services.submit_request(agent, day=day, kind="day_off")
    assert exc.value.problems[0].rule == "duplicate"
    with pytest.raises(RuleViolation) as exc:
        services.submit_request(agent, day=day, kind="shift_on", shift_code="ZZ")
    assert exc.value.problems[0].field == "shift_code"
    with pytest.raises(RuleViolation) as exc:
        services.submit_request(agent, day=day, kind="day_off", staff_no=agents[1].staff_no)
    assert exc.value.status == 403
    with pytest.raises(RuleViolation) as exc:
        services.submit_request(agent, day=date.today() - timedelta(days=1), kind="day_off")
    assert exc.value.problems[0].rule == "future_only"
    assert (
        services.submit_request(lead, day=day, kind="shift_off", shift_code="N", staff_no=agents[1].staff_no).staff
        == agents[1]
    )
    assert RosterRequest.objects.count() == 2


def test_policy_presets_validate():
    for name, data in policy.PRESETS.items():
        assert policy.validate(data) == [], name
    bad = {**policy.PRESETS["hotline"], "max_week_hours_avg": 0, "default_profile": [1] * 10}
    fields = {f for f, _ in policy.validate(bad)}
    assert {"max_week_hours_avg", "default_profile"} <= fields


# ------------------------------------------------------------------------------------------------ API


def test_api_generate_edit_publish(center, agents, lead, client_for):
    client = client_for(lead)
    row = [0] * 16 + [2] * 20 + [1] * 12
    resp = client.post(
        "/api/roster/rosters",
        {"start": "2030-03-04", "days": 3, "requirement": [row] * 3, "holidays": [], "time_limit": 5},
        content_type="application/json",
    )
    assert resp.status_code == 201, resp.content
    rid = resp.json()["id"]
    detail = client.get(f"/api/roster/rosters/{rid}").json()
    assert detail["assignments"] and all(set(a) == {"staff_no", "day", "code"} for a in detail["assignments"])
    bad = client.post(
        f"/api/roster/rosters/{rid}/edit",
        {"staff_no": "3001", "day": "2030-03-04", "code": "X"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and bad.json()["detail"][0]["field"] == "code"
    assert client.post(f"/api/roster/rosters/{rid}/publish").status_code == 200
    rows = client.get(
        "/api/roster/scheduled", {"start": "2030-03-04T00:00:00+08:00", "end": "2030-03-07T00:00:00+08:00"}
    ).json()
    assert len(rows) == len(detail["assignments"])


def test_api_agents_see_published_rosters_only(center, agents, lead, client_for):
    roster = _small(center, lead, days=2)
    client = client_for(agents[0])
    assert client.get("/api/roster/rosters").json() == []
    assert client.get(f"/api/roster/rosters/{roster.id}").status_code == 404
    services.publish(roster, lead)
    assert [r["id"] for r in client.get("/api/roster/rosters").json()] == [roster.id]
    assert (
        client.post("/api/roster/rosters", {"start": "2030-03-04"}, content_type="application/json").status_code == 403
    )


# ------------------------------------------------------------------------------------------------ pages (no browser)


def test_pages_render_and_htmx_edit_returns_the_body(center, agents, lead, client_for):
    roster = _small(center, lead, days=3)
    client = client_for(lead)
    page = client.get("/roster/")
    assert page.status_code == 200 and "生成排班" in page.content.decode()
    page = client.get(f"/roster/{roster.id}/")
    html = page.content.decode()
    assert page.status_code == 200 and "3001" in html and "cover-data" in html and "规则检查报告" in html
    cell = Assignment.objects.filter(roster=roster, code__in=["D", "R"]).select_related("staff").first()
    resp = client.post(
        f"/roster/{roster.id}/cell/",
        {"staff_no": cell.staff.staff_no, "day": cell.day.isoformat(), "code": ""},
        HTTP_HX_REQUEST="true",
    )
    body = resp.content.decode()
    assert resp.status_code == 200 and "<html" not in body and "软性规则警告" in body
    # agents may not edit (page rule page.roster.plan) and do not see drafts
    agent_client = client_for(agents[0])
    assert (
        agent_client.post(
            f"/roster/{roster.id}/cell/", {"staff_no": "3001", "day": "2030-03-04", "code": ""}
        ).status_code
        == 403
    )
    assert agent_client.get(f"/roster/{roster.id}/").status_code == 404


def test_requirement_from_wfm_erlang_plan(center, monkeypatch):
    """kefu.wfm's hourly Erlang plan becomes half-hourly seats: each half hour takes its hour's value."""
    from kefu.wfm import services as wfm_services

    def plan(center_, day):
        if day.day == 9:
            raise RuleViolation("no forecast", field="day", rule="no_forecast")
        return {
            "rows": [{"start": datetime(day.year, day.month, day.day, h, 0), "scheduled_needed": h} for h in range(24)]
        }

    monkeypatch.setattr(wfm_services, "staffing_plan", plan)
    rows = services.requirement_from_wfm(center, start=date(2030, 3, 4), days=2, interval_minutes=30)
    assert rows[0][:4] == [0, 0, 1, 1] and rows[1][46:] == [23, 23] and len(rows[0]) == 48
    partial = services.requirement_from_wfm(
        center, start=date(2030, 3, 8), days=2, interval_minutes=30
    )  # 03-09 has no forecast: the profile's day
    assert partial[0][:4] == [0, 0, 1, 1] and partial[1] is None
    assert services.requirement_from_wfm(center, start=date(2030, 3, 9), days=1, interval_minutes=30) is None
