"""Bad input from outside (issue 12): control characters are cleaned on the way in and out, impossible dates are
named. Every place that answered 500 or silently showed the default period has a case here (tickets: test_bad_input)."""

from __future__ import annotations

import io
import json
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.http import QueryDict
from django.utils import translation
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from kefu.errors import RuleViolation
from kefu.web import sheets
from kefu.web.inputs import clean_data, clean_querydict, clean_text, parse_day, parse_moment, parse_month

ESC_NUL = "a\x1bb\x00c"
YESTERDAY = (datetime.now(ZoneInfo("Asia/Shanghai")).date() - timedelta(days=1)).isoformat()


@pytest.fixture(autouse=True)
def _chinese():
    """The messages in the source language, whatever an earlier test left active in this thread."""
    with translation.override("zh-hans"):
        yield


# --- the helpers ------------------------------------------------------------------------------------------------
def test_clean_text_drops_control_characters_and_keeps_line_breaks_and_tabs():
    assert clean_text("第一行\r\n\t第二行") == "第一行\r\n\t第二行"
    assert clean_text("主\x00题\x1b[31m\x7f\x85\ud800\ufffe") == "主题[31m"
    every = "".join(chr(c) for c in range(0x10000))
    assert not ILLEGAL_CHARACTERS_RE.search(clean_text(every))  # a cleaned text always fits in an Excel cell


def test_clean_data_reaches_nested_strings_and_keys():
    assert clean_data({"a\x00": [ESC_NUL, {"b": "x\x1b"}], "n": 3}) == {"a": ["abc", {"b": "x"}], "n": 3}


def test_clean_querydict_keeps_every_value_and_stays_immutable():
    q = QueryDict("q=a%00b&tag=x%1B&tag=y")
    cleaned = clean_querydict(q)
    assert cleaned.getlist("tag") == ["x", "y"] and cleaned["q"] == "ab"
    with pytest.raises(AttributeError):
        cleaned["q"] = "z"
    plain = QueryDict("q=abc")
    assert clean_querydict(plain) is plain


@pytest.mark.parametrize(
    "parse, raw, message",
    [
        (parse_day, "2026-02-30", "开始日期：2026-02-30 不是有效日期"),
        (parse_day, "2026/02/03", "开始日期格式不正确：2026/02/03（应为 YYYY-MM-DD）"),
        (parse_month, "2026-13", "开始日期：2026-13 不是有效月份"),
        (parse_month, "2026-02-30", "开始日期格式不正确：2026-02-30（应为 YYYY-MM）"),
        (parse_moment, "2026-02-30T10:00", "开始日期：2026-02-30T10:00 不是有效的日期时间"),
        (parse_moment, "2026-02-30", "开始日期：2026-02-30 不是有效的日期时间"),
        (parse_moment, "2026-02-03T25:00", "开始日期：2026-02-03T25:00 不是有效的日期时间"),
        (parse_moment, "明天", "开始日期格式不正确：明天（应为 YYYY-MM-DD HH:MM）"),
    ],
)
def test_parsers_name_the_field_and_the_value(parse, raw, message):
    with pytest.raises(RuleViolation) as err:
        parse(raw, "开始日期", field="start")
    assert err.value.problems[0].as_dict() == {"field": "start", "rule": err.value.problems[0].rule, "message": message}
    assert err.value.status == 400


def test_parsers_read_good_values_and_empty_ones():
    assert parse_day(" 2026-02-28 ", "日期", field="d") == date(2026, 2, 28)
    assert parse_month("2026-2", "月份", field="m") == date(2026, 2, 1)
    assert parse_moment("2026-02-28 10:30", "时间", field="t", tz=ZoneInfo("Asia/Shanghai")) == datetime(
        2026, 2, 28, 10, 30, tzinfo=ZoneInfo("Asia/Shanghai")
    )
    assert parse_day("", "日期", field="d") is None and parse_month(None, "月份", field="m") is None
    with pytest.raises(RuleViolation, match="请填写日期"):
        parse_day("  ", "日期", field="d", required=True)


def test_sheet_rows_are_cleaned_and_texts_stay_texts():
    wb = Workbook()
    sheets.append(wb.active, ["退费\x1b[0m", '=HYPERLINK("http://x","点我")', 3, None])
    buf = io.BytesIO()
    wb.save(buf)
    cells = load_workbook(io.BytesIO(buf.getvalue())).active[1]
    assert [c.value for c in cells[:3]] == ["退费[0m", '=HYPERLINK("http://x","点我")', 3]
    assert cells[1].data_type == "s"  # a customer's words never become a formula


# --- control characters through the pages and the API ------------------------------------------------------------
@pytest.mark.django_db
def test_control_characters_in_searches_and_filters_answer_normally(make_staff, client_for):
    """NUL in a query string reached PostgreSQL, which refuses it (500)."""
    agent, auditor = client_for(make_staff("agent")), client_for(make_staff("auditor"))
    assert agent.get("/tickets/cases/search/", {"q": ESC_NUL}).status_code == 200
    assert agent.get("/api/tickets/cases", {"q": ESC_NUL}).status_code == 200
    r = agent.get("/api/knowledge/check", {"text": ESC_NUL})
    assert r.status_code == 200 and r.json()["text"] == "abc"
    assert auditor.get("/audit/", {"staff_no": ESC_NUL, "object_type": ESC_NUL}).status_code == 200


@pytest.mark.django_db
def test_control_characters_in_an_api_body_are_cleaned_before_storage(make_staff, client_for):
    from kefu.workcal.models import CalendarOverride

    admin = client_for(make_staff("admin"))
    r = admin.put(
        "/api/workcal/overrides/2026-03-02",
        json.dumps({"is_working_day": True, "name": "调\x00休\x1b"}),
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    assert r.json()["name"] == "调休" and CalendarOverride.objects.get(day=date(2026, 3, 2)).name == "调休"


@pytest.mark.django_db
def test_control_characters_in_a_url_part_are_cleaned(make_staff, client_for):
    """A NUL in a path parameter reached PostgreSQL in the staff lookup."""
    admin = client_for(make_staff("admin"))
    r = admin.put("/api/org/staff/a%00b/roles", json.dumps({"roles": ["agent"]}), content_type="application/json")
    assert r.status_code == 404 and r.json()["detail"][0]["rule"] == "not_found"


@pytest.mark.django_db
def test_control_characters_in_a_page_form_are_cleaned_before_storage(make_staff, client_for):
    from kefu.shiftlog.models import Handover

    agent = make_staff("agent", staff_no="2401")
    r = client_for(agent).post(
        "/shiftlog/start/",
        {
            "shift_code": "D",
            "shift_date": YESTERDAY,
            "equipment_state": "7号机\x00台\x1b",
            "notes": "第一行\r\n第二\x07行",
        },
    )
    assert r.status_code == 302, r.content.decode()[:500]
    h = Handover.objects.get()
    assert (h.equipment_state, h.notes) == ("7号机台", "第一行\r\n第二行")


# --- impossible dates: each place that answered 500 or showed another period ------------------------------------
@pytest.fixture
def people(center, make_staff):
    from kefu.org.models import Team

    team = Team.objects.create(center=center, code="t1", name="一班")
    return {
        role: make_staff(role, team=team)
        for role in ("agent", "team_lead", "supervisor", "manager", "hr", "qa", "editor", "auditor")
    }


BAD_PAGES = [  # (role, method, url, data, message): answered 500 or a silent default before
    ("auditor", "get", "/audit/", {"since": "2026-02-30"}, "开始时间：2026-02-30 不是有效的日期时间"),
    ("auditor", "get", "/audit/", {"until": "2026-02-30T10:00"}, "结束时间：2026-02-30T10:00 不是有效的日期时间"),
    ("team_lead", "get", "/quality/shift/", {"date": "2026-02-30"}, "日期：2026-02-30 不是有效日期"),
    ("hr", "get", "/attendance/sheet/", {"month": "2026-13"}, "月份：2026-13 不是有效月份"),
    ("hr", "get", "/attendance/sheet/", {"month": "2026-13", "format": "xlsx"}, "月份：2026-13 不是有效月份"),
    ("hr", "post", "/attendance/sheet/publish/", {"month": "2026-13"}, "月份：2026-13 不是有效月份"),
    ("supervisor", "get", "/wfm/forecast/", {"start": "2026-02-30"}, "起始日期：2026-02-30 不是有效日期"),
    (
        "supervisor",
        "post",
        "/wfm/forecast/build/",
        {"start": "2026-02-30", "days": "7"},
        "预测起始日：2026-02-30 不是有效日期",
    ),
    ("supervisor", "get", "/wfm/staffing/", {"day": "2026-02-30"}, "日期：2026-02-30 不是有效日期"),
    ("supervisor", "get", "/wfm/five-tables/", {"month": "2026-13"}, "月份：2026-13 不是有效月份"),
    ("supervisor", "get", "/wfm/five-tables/", {"month": "2026-13", "format": "xlsx"}, "月份：2026-13 不是有效月份"),
    ("manager", "get", "/kpi/", {"period": "day", "date": "2026-02-30"}, "日期：2026-02-30 不是有效日期"),
    ("manager", "get", "/kpi/", {"period": "month", "month": "2026-13"}, "月份：2026-13 不是有效月份"),
    (
        "manager",
        "get",
        "/kpi/",
        {"period": "range", "start": "2026-02-30", "end": "2026-03-05"},
        "开始日期：2026-02-30 不是有效日期",
    ),
    ("manager", "get", "/kpi/export.xlsx", {"period": "week", "date": "2026-02-30"}, "日期：2026-02-30 不是有效日期"),
    (
        "agent",
        "post",
        "/shiftlog/start/",
        {"shift_code": "D", "shift_date": "2026-02-30"},
        "班次日期：2026-02-30 不是有效日期",
    ),
]
STAYS = {"/audit/", "/shiftlog/start/"}  # the audit search and the handover form show the error beside their fields


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role, method, url, data, message", BAD_PAGES, ids=[f"{m} {u} {d}" for _, m, u, d, _ in BAD_PAGES]
)
def test_an_impossible_date_on_a_page_is_named_and_nothing_else_is_shown(
    people, client_for, role, method, url, data, message
):
    from kefu.attendance.models import AttendanceSheet
    from kefu.shiftlog.models import Handover
    from kefu.wfm.models import IntervalForecast

    r = getattr(client_for(people[role]), method)(url, data, follow=True)
    body = r.content.decode()
    assert message in body
    if url not in STAYS:
        assert r.status_code == 400
        assert "attachment" not in r.get("Content-Disposition", "")
    assert (
        not AttendanceSheet.objects.exists() and not Handover.objects.exists() and not IntervalForecast.objects.exists()
    )


BAD_FORMS = [  # (role, url, data, message): named the field and the value, where a generic sentence was shown
    (
        "agent",
        "/attendance/leave/",
        {"kind": "personal", "start": "2026-02-30", "end": "2026-03-01"},
        "开始日期：2026-02-30 不是有效日期",
    ),
    (
        "agent",
        "/attendance/swaps/",
        {
            "counterpart": "1",
            "requester_shift_start": "2026-02-30T08:00",
            "counterpart_shift_start": "2026-03-01T08:00",
        },
        "我的班次：2026-02-30T08:00 不是有效的日期时间",
    ),
    ("supervisor", "/roster/generate/", {"start": "2026-02-30", "days": "7"}, "开始日期：2026-02-30 不是有效日期"),
    ("agent", "/roster/requests/", {"day": "2026-02-30", "kind": "off"}, "日期：2026-02-30 不是有效日期"),
    (
        "supervisor",
        "/wfm/forecast/adjustments/",
        {"name": "促销", "start": "2026-02-30T08:00", "end": "2026-03-01T08:00"},
        "开始时间：2026-02-30T08:00 不是有效的日期时间",
    ),
    ("qa", "/quality/sample/", {"month": "2026-13"}, "月份：2026-13 不是有效月份"),
    (
        "editor",
        "/knowledge/editor/new",
        {"title": "标题", "body": "正文", "valid_from": "2026-02-30"},
        "生效日期：2026-02-30 不是有效日期",
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize("role, url, data, message", BAD_FORMS, ids=[u for _, u, _, _ in BAD_FORMS])
def test_an_impossible_date_in_a_form_is_named(people, client_for, role, url, data, message):
    from kefu.knowledge.models import Article
    from kefu.roster.models import Roster

    r = client_for(people[role]).post(url, data, follow=True)
    assert message in r.content.decode()
    assert not Roster.objects.exists() and not Article.objects.exists()


BAD_API = [  # (role, method, url, params, field, message)
    (
        "manager",
        "get",
        "/api/kpi/values",
        {"period": "day", "date": "2026-02-30"},
        "date",
        "日期：2026-02-30 不是有效日期",
    ),
    ("hr", "get", "/api/attendance/sheet", {"month": "2026-13"}, "month", "月份：2026-13 不是有效月份"),
    ("supervisor", "get", "/api/wfm/five-tables", {"month": "2026-13"}, "month", "月份：2026-13 不是有效月份"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("role, method, url, params, field, message", BAD_API, ids=[u for _, _, u, *_ in BAD_API])
def test_an_impossible_date_in_an_api_query_is_a_400_naming_it(
    people, client_for, role, method, url, params, field, message
):
    r = getattr(client_for(people[role]), method)(url, params)
    assert r.status_code == 400
    assert r.json()["detail"][0]["field"] == field and r.json()["detail"][0]["message"] == message


@pytest.mark.django_db
def test_an_impossible_date_in_an_api_body_is_a_400_naming_it(people, client_for):
    r = client_for(people["manager"]).post(
        "/api/kpi/refresh", json.dumps({"start": "2026-02-30", "end": "2026-03-01"}), content_type="application/json"
    )
    assert r.status_code == 400
    assert r.json()["detail"] == [{"field": "start", "rule": "date", "message": "开始日期：2026-02-30 不是有效日期"}]


@pytest.mark.django_db
def test_the_bad_input_page_reads_in_english(people, client_for):
    c = client_for(people["supervisor"])
    c.cookies["django_language"] = "en"
    r = c.get("/wfm/staffing/", {"day": "2026-02-30"})
    assert r.status_code == 400
    assert "Invalid input" in r.content.decode() and "2026-02-30 is not a valid date" in r.content.decode()
