"""KPI pages in English (issue #2): dashboard, a metric page with its formula and chart labels, the wallboard.
Team names and call types are the center's own data."""

import json
import re

import pytest

from kefu.kpi.tests.test_pages import month  # noqa: F401  (fixture)
from kefu.web.tests.english import assert_english, english

pytestmark = pytest.mark.django_db


def test_dashboard_in_english(month, make_staff, client_for, center):  # noqa: F811
    sup = english(client_for(make_staff("supervisor", staff_no="7601")))
    html = assert_english(
        sup.get("/kpi/", {"period": "month", "month": "2026-10"}),
        "KPI dashboard",
        "Whole center",
        "October 2026",
        "Service level",
        "Abandonment rate",
        "Average handle time (AHT)",
        "Missed",
        "Export to Excel",
        "Service standards (K1–K14",
        user_data=(center.name, "一班"),
    )  # team names in the breakdown bars
    row = html.split('data-code="M20"')[1].split("</tr>")[0]
    assert "Missed" in row and "50.00%" in row
    assert_english(
        sup.get("/kpi/", {"period": "month", "month": "2026-10", "scope": "team", "key": str(month["team"].pk)}),
        "Queue and volume KPIs",
        "Export all: Team",
        user_data=("一班",),
    )
    agent = english(client_for(month["agent"]))
    assert_english(
        agent.get("/kpi/", {"period": "week", "date": "2026-10-05"}), "My staff no.", "2026-10-05 to 2026-10-11"
    )


def test_metric_page_and_chart_labels_in_english(month, make_staff, client_for, center):  # noqa: F811
    sup = english(client_for(make_staff("supervisor", staff_no="7602")))
    html = assert_english(
        sup.get("/kpi/metric/M4/", {"period": "month", "month": "2026-10"}),
        "M4 Average handle time (AHT)",
        "Daily trend and target",
        "(talk time + after-call work) ÷ answered calls",
        "Computed daily",
        "Met within target T",
        "By Team",
        "3–10 min (T=6±15%: 5.10–6.90)",
        user_data=(center.name, "一班", "业务咨询"),
    )  # call types are the center's own
    chart = json.loads(
        re.search(r'<script id="chart-data" type="application/json">(.*?)</script>', html, re.S).group(1)
    )
    assert (
        chart["name"] == "Average handle time (AHT)"
        and chart["unit"] == "min"
        and chart["text"]["band"] == "Target band"
    )
    assert_english(
        sup.get("/kpi/metric/M20/", {"period": "month", "month": "2026-10"}),
        "Corrective actions (textbook guidance",
        "Below target: forecast, adherence, scheduling, lunch-break planning",
        "Strictly less than X seconds",
        user_data=(center.name, "业务咨询"),
    )
    assert_english(
        sup.get(
            "/kpi/metric/M20/", {"period": "month", "month": "2026-10", "scope": "team", "key": str(month["team"].pk)}
        ),
        "Service level",
        "This is a queue/volume KPI",
        user_data=(center.name, "一班", "业务咨询"),
    )


def test_wallboard_in_english(make_staff, client_for, center):
    sup = english(client_for(make_staff("supervisor", staff_no="7603")))
    assert_english(
        sup.get("/kpi/wallboard/"),
        "Wallboard",
        "Calls waiting",
        "Service level today (within",
        "Agents logged in",
        "Refreshes every 10 s",
        user_data=(center.name,),
    )


def test_chinese_pages_unchanged(month, make_staff, client_for):  # noqa: F811
    html = (
        client_for(make_staff("supervisor", staff_no="7604"))
        .get("/kpi/", {"period": "month", "month": "2026-10"})
        .content.decode()
    )
    assert (
        "指标看板 · 全中心" in html
        and "2026年10月" in html
        and "平均处理时间" in html
        and "分钟" in html
        and "Service level" not in html
    )
