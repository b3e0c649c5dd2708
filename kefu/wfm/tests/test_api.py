"""API: calculator, forecast, staffing, five tables, floor — roles, errors, no change on bad input."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from kefu.wfm.models import FloorState, FloorStep, ForecastAdjustment, IntervalForecast

TZ = ZoneInfo("Asia/Shanghai")


@pytest.mark.django_db
def test_erlang_calculator_spec_reference(make_staff, client_for):
    client = client_for(make_staff("team_lead"))
    r = client.get(
        "/api/wfm/erlang",
        {"calls": 100, "aht": 180, "interval_minutes": 30, "service_level": 0.8, "threshold": 20, "shrinkage": 0.3},
    )
    assert r.status_code == 200, r.content
    body = r.json()
    assert (body["traffic"], body["required"], body["scheduled"]) == (10.0, 14, 20)
    assert body["performance"]["asa"] == pytest.approx(7.835937, abs=1e-6)
    r = client.get("/api/wfm/erlang", {"calls": 100, "aht": 180, "agents": 10})  # N = A: unstable, ASA shown as null
    assert (
        r.status_code == 200 and r.json()["performance"]["stable"] is False and r.json()["performance"]["asa"] is None
    )
    bad = client.get("/api/wfm/erlang", {"calls": 100, "aht": 180, "model": "X"})
    assert bad.status_code == 400 and bad.json()["detail"][0]["field"] == "model"


@pytest.mark.django_db
def test_agents_cannot_plan_or_run_the_floor(make_staff, client_for):
    agent = client_for(make_staff("agent"))
    assert agent.get("/api/wfm/erlang", {"calls": 1, "aht": 1}).status_code == 403
    assert agent.post("/api/wfm/floor/observations", {"waiting": 3}, content_type="application/json").status_code == 403


@pytest.mark.django_db
def test_adjustment_api_validates_and_changes_nothing(center, make_staff, client_for):
    client = client_for(make_staff("team_lead"))
    bad = client.post(
        "/api/wfm/adjustments",
        {"name": "系统故障", "start": "2026-06-29T10:00:00+08:00", "end": "2026-06-29T09:00:00+08:00"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and bad.json()["detail"][0]["field"] == "end"
    assert ForecastAdjustment.objects.count() == 0
    ok = client.post(
        "/api/wfm/adjustments",
        {"name": "系统故障", "start": "2026-06-29T09:00:00+08:00", "end": "2026-06-29T10:00:00+08:00", "factor": 1.5},
        content_type="application/json",
    )
    assert ok.status_code == 200
    assert client.delete(f"/api/wfm/adjustments/{ok.json()['id']}").status_code == 204
    assert client.delete(f"/api/wfm/adjustments/{ok.json()['id']}").status_code == 404


@pytest.mark.django_db
def test_staffing_and_five_tables_api(center, make_staff, client_for):
    client = client_for(make_staff("manager"))
    IntervalForecast.objects.create(
        center=center, start=datetime(2026, 6, 29, 9, 0, tzinfo=TZ), minutes=30, calls=100, aht=180
    )
    r = client.get("/api/wfm/staffing", {"day": "2026-06-29", "model": "C"})
    assert r.status_code == 200, r.content
    assert r.json()["rows"][0]["traffic"] == 10.0
    assert client.get("/api/wfm/staffing", {"day": "2026-06-30"}).json()["detail"][0]["rule"] == "no_forecast"
    t = client.get("/api/wfm/five-tables", {"month": "2026-06"})
    assert t.status_code == 200 and set(t.json()) >= {"table1", "table2", "table3", "table4", "table5"}
    x = client.get("/api/wfm/five-tables", {"month": "2026-06", "format": "xlsx"})
    assert x.status_code == 200 and x.content[:2] == b"PK"
    assert client.get("/api/wfm/five-tables", {"month": "June"}).status_code == 400


@pytest.mark.django_db
def test_floor_api_flow(center, make_staff, client_for):
    # 004:L767-781 through the API: the supervisor feeds W, the ladder proposes, the supervisor confirms
    sup_staff = make_staff("supervisor")
    sup = client_for(sup_staff)
    state = FloorState.objects.create(
        center=center,
        last_waiting=7,
        observed_at=datetime(2026, 1, 1, tzinfo=TZ),
        high_since=datetime(2026, 1, 1, tzinfo=TZ),
    )
    assert state.pk
    r = sup.post("/api/wfm/floor/observations", {"waiting": 7}, content_type="application/json")
    hour = datetime.now(TZ).hour  # the API observes at the wall clock: day step 1, or the night rule (004:L785)
    expected = "night_all" if hour >= 20 or hour < 8 else "floating_expert"
    assert r.status_code == 200 and r.json()["group"] == expected  # W > 5 for months already
    step_id = r.json()["id"]
    lead = client_for(make_staff("team_lead"))
    assert (
        lead.post(
            f"/api/wfm/floor/steps/{step_id}/decision", {"confirm": True}, content_type="application/json"
        ).status_code
        == 403
    )
    ok = sup.post(
        f"/api/wfm/floor/steps/{step_id}/decision", {"confirm": True, "note": "已通知"}, content_type="application/json"
    )
    assert ok.status_code == 200 and ok.json()["decided_by"] == sup_staff.staff_no
    again = sup.post(f"/api/wfm/floor/steps/{step_id}/decision", {"confirm": True}, content_type="application/json")
    assert again.status_code == 409
    snap = lead.get("/api/wfm/floor").json()
    assert [g["group"] for g in snap["signed_in"]] == [expected] and snap["log"][0]["status"] == "confirmed"
    bad = sup.post("/api/wfm/floor/observations", {"waiting": -3}, content_type="application/json")
    assert bad.status_code in (400, 422)
    assert FloorStep.objects.count() == 1


@pytest.mark.django_db
def test_pages_render_for_planners_and_refuse_agents(center, make_staff, client_for):
    lead = client_for(make_staff("team_lead"))
    for url in ("/wfm/forecast/", "/wfm/staffing/", "/wfm/five-tables/", "/wfm/floor/", "/wfm/floor/panel/"):
        assert lead.get(url).status_code == 200, url
    agent = client_for(make_staff("agent"))
    assert agent.get("/wfm/floor/").status_code == 403
    assert lead.post("/wfm/floor/observe/", {"waiting": "3"}).status_code == 403  # only supervisors feed W
    x = lead.get("/wfm/five-tables/", {"month": "2026-06", "format": "xlsx"})
    assert x.status_code == 200 and x.content[:2] == b"PK"
