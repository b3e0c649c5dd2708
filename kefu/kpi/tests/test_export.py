"""Excel exports as a manager reads them (issue 12, item 3): numbers are numbers with number formats, and a metric
page's breakdown export holds the breakdown's rows."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pytest
from openpyxl import load_workbook

from kefu.kpi import export, selectors, services
from kefu.kpi.tests import factories
from kefu.kpi.tests.test_services import make_calls

UTC = UTC
OCT5 = datetime(2026, 10, 5, 2, tzinfo=UTC)  # 10:00 local


def _sheet_rows(ws):
    """Rows below the header of 指标明细 as cells, keyed by (group, metric code)."""
    rows = list(ws.iter_rows())
    start = next(i for i, r in enumerate(rows) if r[0].value == "分组") + 1
    return {(r[0].value, r[1].value): r for r in rows[start:]}


def _book(values, keys, by="center"):
    spec = factories.spec()
    blocks = [(k, selectors.rows_for(values, k, spec, by=by)) for k in keys]
    return load_workbook(io.BytesIO(export.workbook("测试报表", blocks, period_label="2026年10月")))


def test_rates_durations_and_counts_are_numbers_with_formats():
    # M20 service level 55 of 69 = 79.71 %; M9 talk time 1000 s over 3 calls = 333.33 s; M4 AHT in minutes; M21 a count
    values = {
        ("M20", "全中心"): (55.0, 69.0),
        ("M9", "全中心"): (1000.0, 3.0),
        ("M4", "全中心"): (1500.0, 5.0),
        ("M21", "全中心"): (69.0, 0.0),
        ("K1", "全中心"): (0.0, 0.0),
    }
    wb = _book(values, ["全中心"])
    cells = _sheet_rows(wb["指标明细"])
    sl = cells[("全中心", "M20")]
    assert sl[3].value == 0.7971 and sl[3].data_type == "n" and sl[3].number_format == "0.00%"
    assert sl[4].value == "%"
    assert (sl[7].value, sl[8].value) == (55, 69) and sl[7].data_type == "n"
    talk = cells[("全中心", "M9")]
    assert talk[3].value == 333.33 and talk[3].data_type == "n" and "秒" in talk[3].number_format
    assert talk[4].value == "秒"
    aht = cells[("全中心", "M4")]
    assert aht[3].value == 5.0 and "分钟" in aht[3].number_format  # (1500 s / 5) / 60 = 5 min
    count = cells[("全中心", "M21")]
    assert count[3].value == 69 and isinstance(count[3].value, int) and count[3].number_format == "#,##0"
    empty = cells[("全中心", "K1")]  # no calls: no value, said in the status column
    assert empty[3].value is None and empty[6].value == "无数据"
    assert not [
        c
        for row in cells.values()
        for c in row
        if isinstance(c.value, str) and c.value.endswith("%") and c.column in (4, 8, 9)
    ]


def test_summary_sheet_has_units_in_headers_and_numbers_in_cells():
    values = {("M20", "1"): (8.0, 10.0), ("M20", "2"): (3.0, 4.0), ("M9", "1"): (600.0, 2.0), ("M9", "2"): (90.0, 1.0)}
    wb = _book(values, ["1", "2"], by="team")
    wide = wb["汇总"]
    header = [c.value for c in wide[1]]
    m9 = header.index("M9 平均交谈时间（秒）")
    rows = {r[0].value: r for r in wide.iter_rows(min_row=3)}
    assert rows["1"][m9].value == 300.0 and rows["2"][m9].value == 90.0 and "秒" in rows["1"][m9].number_format
    m8 = header.index("M8 平均应答速度（秒）")
    assert rows["1"][m8].value is None  # no data for that team


@pytest.fixture
def mixed_month(center, make_staff):
    from kefu.org.models import Team
    from kefu.telephony.models import Call

    team = Team.objects.create(center=center, code="t1", name="一班")
    make_staff("agent", staff_no="1001", team=team)
    rows = (
        [
            {
                "at": OCT5,
                "outcome": "answered",
                "wait": 10,
                "talk": 300,
                "agent": "1001",
                "team": team,
                "vip": True,
                "call_type": "投诉",
            }
        ]
        * 3
        + [
            {
                "at": OCT5,
                "outcome": "answered",
                "wait": 40,
                "talk": 120,
                "agent": "1001",
                "team": team,
                "call_type": "业务咨询",
            }
        ]
        * 5
        + [{"at": OCT5, "outcome": "abandoned", "wait": 50, "call_type": "业务咨询"}] * 2
    )
    make_calls(center, rows)
    Call.objects.filter(center=center, call_type="投诉").update(queue="q2")
    services.refresh_rollups(center, date(2026, 10, 1), date(2026, 10, 31))
    return team


@pytest.mark.django_db
@pytest.mark.parametrize(
    "by,expected",
    [
        # service level (M20, 20 s): complaints 3 of 3 answered in time, enquiries 0 of 7
        ("call_type", {"投诉": 1.0, "业务咨询": 0.0}),
        ("vip", {"VIP": 1.0, "普通": 0.0}),
        ("queue", {"q2": 1.0, "q1": 0.0}),
    ],
)
def test_metric_page_breakdown_export_has_the_breakdown_rows(mixed_month, make_staff, client_for, by, expected):
    client = client_for(make_staff("manager"))
    page = client.get("/kpi/metric/M20/", {"period": "month", "month": "2026-10"}).content.decode()
    link = f"/kpi/export.xlsx?scope={by}&code=M20&period=month&month=2026-10"
    assert link in page
    r = client.get("/kpi/export.xlsx", {"scope": by, "code": "M20", "period": "month", "month": "2026-10"})
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(r.content))
    cells = _sheet_rows(wb["指标明细"])
    assert {group: row[3].value for (group, code), row in cells.items()} == expected
    assert all(row[3].number_format == "0.00%" for row in cells.values())
    assert "全中心" not in {group for group, _ in cells}


@pytest.mark.django_db
def test_agent_cannot_export_a_breakdown(mixed_month, client_for):
    from kefu.org.models import Staff

    agent = Staff.objects.get(staff_no="1001")
    r = client_for(agent).get("/kpi/export.xlsx", {"scope": "vip", "period": "month", "month": "2026-10"})
    cells = _sheet_rows(load_workbook(io.BytesIO(r.content))["指标明细"])
    assert {group for group, _ in cells} == {"1001"}  # own numbers only


@pytest.mark.django_db
def test_range_period_export_links_carry_the_range(mixed_month, make_staff, client_for):
    client = client_for(make_staff("manager"))
    page = client.get(
        "/kpi/metric/M20/", {"period": "range", "start": "2026-10-03", "end": "2026-10-09"}
    ).content.decode()
    assert "scope=vip&code=M20&period=range" in page and "start=2026-10-03&end=2026-10-09" in page
    r = client.get(
        "/kpi/export.xlsx",
        {"scope": "vip", "code": "M20", "period": "range", "start": "2026-10-03", "end": "2026-10-09"},
    )
    assert r.status_code == 200
    assert {g for g, _ in _sheet_rows(load_workbook(io.BytesIO(r.content))["指标明细"])} == {"VIP", "普通"}
