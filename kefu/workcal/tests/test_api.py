import json


def test_days_api_lists_status(db, make_staff, client_for):
    agent = make_staff("agent")
    res = client_for(agent).get("/api/workcal/days?start=2026-02-13&end=2026-02-16")
    assert res.status_code == 200
    days = {d["day"]: d for d in res.json()}
    assert days["2026-02-14"]["is_makeup_workday"] and days["2026-02-14"]["is_working_day"]
    assert days["2026-02-16"]["is_holiday"] and days["2026-02-16"]["name"] == "春节"


def test_due_api_uses_center_calendar(db, make_staff, client_for):
    agent = make_staff("agent")
    res = client_for(agent).get(
        "/api/workcal/due", {"accepted": "2026-02-13T10:00:00+08:00", "unit": "working_days", "amount": 4}
    )
    assert res.status_code == 200
    assert res.json()["due"].startswith("2026-02-26T10:00:00")


def test_override_requires_admin_and_validates(db, make_staff, client_for):
    from kefu.workcal.models import CalendarOverride

    agent, admin = make_staff("agent"), make_staff("admin")
    body = json.dumps({"is_working_day": False, "name": "x" * 51})
    assert (
        client_for(agent).put("/api/workcal/overrides/2027-02-08", body, content_type="application/json").status_code
        == 403
    )
    res = client_for(admin).put("/api/workcal/overrides/2027-02-08", body, content_type="application/json")
    assert res.status_code == 422
    assert res.json()["detail"][0]["field"] == "name"
    assert "50" in res.json()["detail"][0]["message"]
    assert not CalendarOverride.objects.exists()
    ok = client_for(admin).put(
        "/api/workcal/overrides/2027-02-08",
        json.dumps({"is_working_day": False, "name": "春节"}),
        content_type="application/json",
    )
    assert ok.status_code == 200 and ok.json()["is_working_day"] is False
