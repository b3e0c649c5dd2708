"""The roster pages in English (issue #2): labels, statuses, rule reports and edit messages are translated at
the view (the roster's models and engine keep their Chinese labels); staff numbers and codes stay as they are."""

from datetime import date, timedelta

import pytest

from kefu.roster import services
from kefu.roster.models import Assignment
from kefu.wfm.tests.english import assert_english, english_client, menu_labels

pytestmark = pytest.mark.django_db

START = date(2030, 3, 4)


@pytest.fixture
def planned(center, make_staff):
    for i in range(6):
        make_staff("agent", staff_no=str(3101 + i))
    lead = make_staff("supervisor", staff_no="3990")
    row = [0] * 16 + [2] * 20 + [1] * 12
    roster = services.generate(
        center, start=START, days=7, actor=lead, requirement=[row] * 7, holidays=[6], time_limit=3
    )
    return lead, roster


def test_list_detail_and_edits_in_english(planned, client_for):
    lead, roster = planned
    client = english_client(client_for(lead))
    html = assert_english(
        client.get("/roster/"),
        "Generate a roster",
        "Roster requests",
        "Day off",
        "Day shift 08:00-17:00",
        "Draft",
        "days",
    )
    assert menu_labels(html, "roster") == ["Rosters"]
    assert_english(
        client.get(f"/roster/{roster.id}/"),
        "Roster from",
        "Solver result",
        "All hard rules are met",
        "Mon",
        "Sun",
        "Soft-rule costs",
        "Uneven night shifts",
        '"required": "Required seats"',
        "Publish roster",
    )
    # 004:L745: a night followed by a day shift is refused, the rule named in English
    night = (
        Assignment.objects.filter(roster=roster, code="N", day__lt=START + timedelta(days=6))
        .select_related("staff")
        .first()
    )
    nxt = (night.day + timedelta(days=1)).isoformat()
    r = client.post(
        f"/roster/{roster.id}/cell/",
        {"staff_no": night.staff.staff_no, "day": nxt, "code": "D"},
        HTTP_HX_REQUEST="true",
    )
    assert_english(
        r, "Breaks the rule &quot;Shift sequence (minimum rest between shifts)&quot;", "cannot be followed by"
    )
    # taking a day shift away is accepted with a soft-rule warning
    cell = Assignment.objects.filter(roster=roster, code__in=["D", "R"]).select_related("staff").first()
    r = client.post(
        f"/roster/{roster.id}/cell/",
        {"staff_no": cell.staff.staff_no, "day": cell.day.isoformat(), "code": ""},
        HTTP_HX_REQUEST="true",
    )
    assert_english(r, "Changed, with soft-rule warnings: Understaffing (cost +", "Manual edits", "Off")
    r = client.post(f"/roster/{roster.id}/publish/", follow=True)
    assert_english(r, "Roster published", "Published")
    r = client.post(f"/roster/{roster.id}/publish/", follow=True)
    assert_english(r, "This roster is already published")  # a service's rule, in English


def test_chinese_stays_the_default(planned, client_for):
    lead, roster = planned
    html = client_for(lead).get(f"/roster/{roster.id}/").content.decode()
    assert "所有硬性规则均满足" in html and "求解结果" in html and "Solver result" not in html


def test_every_engine_violation_message_reads_in_english():
    # Each parser is derived from its msgid: a message written in Chinese comes back whole, in English.
    from django.utils import translation

    from kefu.roster.views import _MESSAGES, shown_message

    values = {"a": "10001", "d": "3", "c": "白班", "s": "vip", "e": "4", "n": "2", "m": "5", "h": "41.5"}
    for _pattern, msgid in _MESSAGES:
        chinese = msgid % values
        with translation.override("zh-hans"):
            assert shown_message(chinese) == chinese
        with translation.override("en"):
            english = shown_message(chinese)
        assert english != chinese and "10001" in english, msgid
        assert not any("\u4e00" <= ch <= "\u9fff" for ch in english.replace("白班", "")), english
