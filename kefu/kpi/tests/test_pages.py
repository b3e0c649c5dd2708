"""Dashboard, metric page, wallboard, exports, API and CLI, on rollups built from stored calls."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta

import pytest
from openpyxl import load_workbook

from kefu.kpi import services
from kefu.kpi.tests.test_services import make_calls

UTC = UTC
OCT5 = datetime(2026, 10, 5, 2, tzinfo=UTC)  # 10:00 local


@pytest.fixture
def month(center, make_staff):
    from kefu.org.models import Team

    team = Team.objects.create(center=center, code="t1", name="一班")
    a1 = make_staff("agent", staff_no="1001", team=team)
    make_staff("agent", staff_no="1002", team=team)
    rows = (
        [{"at": OCT5, "outcome": "answered", "wait": 10, "talk": 300, "acw": 60, "agent": "1001", "team": team}] * 6
        + [{"at": OCT5, "outcome": "answered", "wait": 40, "talk": 300, "acw": 60, "agent": "1002", "team": team}] * 4
        + [{"at": OCT5, "outcome": "abandoned", "wait": 50}] * 2
    )
    make_calls(center, rows)
    services.refresh_rollups(center, date(2026, 10, 1), date(2026, 10, 31))
    return {"team": team, "agent": a1}


@pytest.mark.django_db
def test_dashboard_center_month(month, make_staff, client_for):  # M20 = 6 / 12 = 50 % → 未达标 (004:L1709)
    sup = make_staff("supervisor")
    r = client_for(sup).get("/kpi/", {"period": "month", "month": "2026-10"})
    assert r.status_code == 200
    html = r.content.decode()
    assert "服务水平" in html and "50.00%" in html and "2026年10月" in html
    row = html.split('data-code="M20"')[1].split("</tr>")[0]
    assert "未达标" in row and "st-bad" in html


@pytest.mark.django_db
def test_agent_sees_only_own_numbers(month, client_for):
    client = client_for(month["agent"])
    r = client.get("/kpi/", {"scope": "center", "period": "month", "month": "2026-10"})
    html = r.content.decode()
    assert r.status_code == 200 and "1001" in html
    # M9 of agent 1001: 6 calls × 300 s = 300.00 s; the center's 10 answered calls are not shown
    assert "300.00" in html.split('data-code="M9"')[1].split("</tr>")[0]
    assert client.get("/api/kpi/values", {"by": "team", "month": "2026-10"}).status_code == 403
    ok = client.get("/api/kpi/values", {"by": "agent", "month": "2026-10"})
    assert ok.status_code == 200 and {v["key"] for v in ok.json()["values"]} == {"1001"}


@pytest.mark.django_db
def test_metric_page_shows_hints_when_off(month, make_staff, client_for):  # 004:L1713-1721 hints for M20
    client = client_for(make_staff("supervisor"))
    r = client.get("/kpi/metric/M20/", {"period": "month", "month": "2026-10"})
    html = r.content.decode()
    assert r.status_code == 200 and "监控措施" in html and "预测、遵守度" in html and "按呼叫类型" in html
    assert "按班组" not in html  # a queue-level metric has no team breakdown
    assert "按班组" in client.get("/kpi/metric/M8/", {"period": "month", "month": "2026-10"}).content.decode()
    team = client.get(
        "/kpi/metric/M20/", {"scope": "team", "key": str(month["team"].pk), "month": "2026-10"}
    ).content.decode()
    assert "queue-level-note" in team
    assert '"values"' in html  # chart data
    r2 = client.get("/kpi/metric/M2/", {"period": "month", "month": "2026-10"})  # ACW 60 s = target → no hints
    assert "监控措施（" not in r2.content.decode()
    assert client.get("/kpi/metric/NOPE/").status_code == 404


@pytest.mark.django_db
def test_export_xlsx(month, make_staff, client_for):
    client = client_for(make_staff("manager"))
    r = client.get("/kpi/export.xlsx", {"scope": "agent", "period": "month", "month": "2026-10"})
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(r.content))
    ws = wb["指标明细"]
    rows = list(ws.iter_rows(values_only=True))
    header = next(row for row in rows if row and row[0] == "分组")
    assert list(header[:7]) == ["分组", "指标代码", "指标名称", "数值", "单位", "目标", "状态"]
    m9 = [row for row in rows if row[1] == "M9"]
    assert {row[0]: row[3] for row in m9} == {"1001": 300.0, "1002": 300.0}  # numbers, not texts (issue 12)
    assert not [row for row in rows if row[1] == "M20"]  # queue-level metrics are not per agent
    assert "汇总" in wb.sheetnames


@pytest.mark.django_db
def test_api_values_and_metrics(month, make_staff, client_for):
    client = client_for(make_staff("team_lead"))
    r = client.get("/api/kpi/values", {"by": "center", "period": "month", "month": "2026-10"})
    data = {v["metric"]: v for v in r.json()["values"]}
    assert data["M19"]["numerator"] == 10 and data["M19"]["denominator"] == 12
    assert data["K4"]["shown"] == "—" or data["K4"]["status"] in ("ok", "bad")
    assert data["M8"]["value"] == pytest.approx(22.0)  # (6×10 + 4×40) / 10
    bad = client.get("/api/kpi/values", {"by": "center", "period": "month", "month": "2026-13"})
    assert bad.status_code == 400 and bad.json()["detail"][0]["field"] == "month"
    metrics = client.get("/api/kpi/metrics").json()
    assert (
        len([m for m in metrics if m["group"] == "K"]) == 14
        and len([m for m in metrics if m["code"].startswith("M")]) >= 22
    )


@pytest.mark.django_db
def test_wallboard_live(center, make_staff, client_for):
    from django.utils import timezone as djtz

    from kefu.telephony.models import AgentPause, AgentSession, Call, ImportBatch

    now = djtz.now()
    batch = ImportBatch.objects.create(center=center, kind="simulator", file_name="live", sha256="f" * 64)
    Call.objects.create(
        center=center, batch=batch, call_id="w1", offered_at=now - timedelta(seconds=42), outcome="abandoned"
    )
    Call.objects.create(
        center=center,
        batch=batch,
        call_id="w2",
        offered_at=now - timedelta(seconds=90),
        outcome="answered",
        answered_at=now - timedelta(seconds=80),
        ended_at=now - timedelta(seconds=5),
        wait_seconds=10,
        agent_staff_no="1001",
    )
    Call.objects.create(
        center=center,
        batch=batch,
        call_id="w3",
        offered_at=now - timedelta(seconds=30),
        outcome="answered",
        answered_at=now - timedelta(seconds=20),
        wait_seconds=10,
        agent_staff_no="1002",
    )
    for no in ("1001", "1002", "1003"):
        AgentSession.objects.create(
            center=center, batch=batch, agent_staff_no=no, start=now - timedelta(hours=1), end=now + timedelta(hours=1)
        )
    AgentPause.objects.create(
        center=center,
        batch=batch,
        agent_staff_no="1003",
        start=now - timedelta(minutes=1),
        end=now + timedelta(minutes=5),
    )
    client = client_for(make_staff("agent"))
    r = client.get("/api/kpi/wallboard")
    body = r.json()
    assert r.status_code == 200
    assert body["waiting"] == 1 and 42 <= body["longest_wait"] <= 45
    assert body["agents"] == {"logged_in": 3, "paused": 1, "talking": 1, "ready": 1}
    assert body["answered"] == 2 and body["offered"] == 3
    panel = client.get("/kpi/wallboard/panel/").content.decode()
    assert 'id="wb-waiting">1<' in panel
    assert 'hx-trigger="every 10s"' in client.get("/kpi/wallboard/").content.decode()


@pytest.mark.django_db
def test_cli_month_by_team(month, tmp_path):
    from django.core.management import call_command

    out = io.StringIO()
    path = tmp_path / "out.xlsx"
    call_command("kpi", month="2026-10", by="team", xlsx=str(path), stdout=out, stderr=io.StringIO())
    text = out.getvalue()
    line = next(ln for ln in text.splitlines() if ln.startswith("一班") and "M8" in ln)
    assert "22.00" in line and "未达标" in line  # ASA (6×10 + 4×40) / 10 = 22 s > 20 s (004:L1483)
    assert not [ln for ln in text.splitlines() if "M20" in ln]  # service level is not per team
    wb = load_workbook(path)
    assert wb["指标明细"]["A1"].value.endswith("指标报表")


@pytest.mark.django_db
def test_roles_without_kpi_pages_get_403(make_staff, client_for):
    client = client_for(make_staff("editor"))
    assert client.get("/kpi/").status_code == 403
    assert client.get("/kpi/wallboard/").status_code == 403


@pytest.mark.django_db
def test_api_refresh(month, make_staff, client_for):
    from kefu.kpi.models import Rollup

    client = client_for(make_staff("supervisor"))
    ok = client.post("/api/kpi/refresh", {"start": "2026-10-01", "end": "2026-10-31"}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["rows"] > 0
    before = Rollup.objects.count()
    bad = client.post("/api/kpi/refresh", {"start": "2026-10-31", "end": "2026-10-01"}, content_type="application/json")
    assert bad.status_code == 400 and bad.json()["detail"][0]["field"] == "end"
    assert Rollup.objects.count() == before
    assert (
        client_for(month["agent"])
        .post("/api/kpi/refresh", {"start": "2026-10-01", "end": "2026-10-02"}, content_type="application/json")
        .status_code
        == 403
    )


@pytest.mark.django_db
def test_today_is_live_from_raw_calls(center, make_staff, client_for):
    from django.utils import timezone as djtz

    make_calls(
        center,
        [{"at": djtz.now() - timedelta(minutes=5), "outcome": "answered", "wait": 3, "talk": 100, "agent": "1001"}],
    )
    r = client_for(make_staff("supervisor")).get("/kpi/", {"period": "today"})
    row = r.content.decode().split('data-code="M21"')[1].split("</tr>")[0]
    assert 'class="num value">1 <small' in row  # one call today, counted without any rollup


@pytest.mark.django_db
def test_m22_turnover_is_judged_on_a_year_only(center, make_staff, client_for):  # 004:L1741-1745 target 15–30 % a year
    from datetime import date as d

    from kefu.org.models import Staff

    staff = [make_staff("agent") for _ in range(40)]
    Staff.objects.filter(pk__in=[s.pk for s in staff]).update(hired_on=d(2020, 1, 1))
    Staff.objects.filter(pk=staff[0].pk).update(left_on=d(2026, 10, 10))
    manager, admin, part_time = make_staff("manager"), make_staff("admin"), make_staff("agent")
    # 004:L1739-1745: full-time agents only — the manager, the admin and a part-time agent (who also left) not counted
    Staff.objects.filter(pk__in=[manager.pk, admin.pk, part_time.pk]).update(hired_on=d(2020, 1, 1))
    Staff.objects.filter(pk=part_time.pk).update(employment=Staff.Employment.PART_TIME, left_on=d(2026, 10, 12))
    client = client_for(manager)

    def m22(**query):
        r = client.get("/api/kpi/values", {"by": "center", **query})
        return next(v for v in r.json()["values"] if v["metric"] == "M22")

    # October: 1 leaver of 40 = 2.50 % in the month, shown as it is; the annual band does not judge a month
    month = m22(period="month", month="2026-10")
    assert (month["numerator"], month["denominator"]) == (1, 40)
    assert month["shown"] == "2.50%" and month["status"] == "info"
    # the year 2026: 1 of 40 = 2.50 % a year, below 15 % (too low, 004:L1757)
    year = m22(period="range", start="2026-01-01", end="2026-12-31")
    assert year["shown"] == "2.50%" and year["status"] == "bad"
    # five more leave in 2026: 6 of 40 = 15.00 %, the band's lower end (fixture 24)
    Staff.objects.filter(pk__in=[s.pk for s in staff[1:6]]).update(left_on=d(2026, 3, 1))
    year = m22(period="range", start="2026-01-01", end="2026-12-31")
    assert year["shown"] == "15.00%" and year["status"] == "ok"
    assert m22(period="range", start="2026-01-01", end="2027-01-31")["status"] == "info"  # 396 days: not a year


@pytest.mark.django_db
def test_wallboard_counts_a_call_offered_before_midnight_and_answered_after_as_talking(center):
    # The talking query scans by offered_at (the calls' index): a call offered yesterday and answered today still counts.
    from kefu.kpi.selectors import local_midnight, wallboard
    from kefu.telephony.models import AgentSession, Call, ImportBatch

    midnight = local_midnight(center, date(2026, 10, 14))
    now = midnight + timedelta(minutes=3)
    batch = ImportBatch.objects.create(center=center, kind="simulator", file_name="night", sha256="e" * 64)
    Call.objects.create(
        center=center,
        batch=batch,
        call_id="n1",
        offered_at=midnight - timedelta(minutes=2),
        answered_at=midnight + timedelta(minutes=1),
        outcome="answered",
        wait_seconds=180,
        agent_staff_no="1001",
    )
    Call.objects.create(
        center=center,
        batch=batch,
        call_id="n2",
        offered_at=midnight - timedelta(minutes=30),
        answered_at=midnight - timedelta(minutes=29),
        outcome="answered",
        wait_seconds=60,
        agent_staff_no="1002",
    )  # answered yesterday: not today's talking, as before
    for no in ("1001", "1002"):
        AgentSession.objects.create(
            center=center,
            batch=batch,
            agent_staff_no=no,
            start=midnight - timedelta(hours=1),
            end=now + timedelta(hours=1),
        )
    board = wallboard(center, now=now)
    assert board["talking_agents"] == ["1001"]
    assert board["agents"] == {"logged_in": 2, "paused": 0, "talking": 1, "ready": 1}
