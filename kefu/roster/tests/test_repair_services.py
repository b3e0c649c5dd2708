"""Re-rostering a saved roster after absences: the preview writes nothing and names who is affected; applying it
writes only the moved cells (each with an edit record), records the absence in the roster's inputs and refuses a
stale preview. The page offers both (issue 18, item 3)."""

from datetime import date, timedelta

import pytest
from django.utils import translation

from kefu.errors import RuleViolation
from kefu.messages import render
from kefu.notify.models import Notification
from kefu.roster import engine, services
from kefu.roster.models import Assignment, RosterEdit
from kefu.wfm.tests.english import assert_english, english_client

pytestmark = pytest.mark.django_db

START = date(2030, 3, 4)  # a Monday with no public holiday that week
TODAY = date(2030, 3, 1)  # before the roster: nothing is confirmed by time


@pytest.fixture
def planned(center, make_staff):
    for i in range(6):
        make_staff("agent", staff_no=str(3201 + i))
    lead = make_staff("supervisor", staff_no="3990")
    row = [0] * 16 + [2] * 20 + [1] * 12
    roster = services.generate(
        center, start=START, days=7, actor=lead, requirement=[row] * 7, holidays=[], time_limit=3
    )
    services.publish(roster, lead)
    return lead, roster


def _worked(roster):
    return Assignment.objects.filter(roster=roster).select_related("staff").order_by("day", "staff__staff_no").first()


def test_preview_names_the_moves_and_writes_nothing(planned):
    _lead, roster = planned
    cell = _worked(roster)
    before = sorted(Assignment.objects.filter(roster=roster).values_list("staff__staff_no", "day", "code"))
    preview = services.repair_preview(
        roster, absences=[(cell.staff.staff_no, cell.day, cell.day)], today=TODAY, time_limit=5
    )
    required = [m for m in preview["moves"] if m["required"]]
    assert required == [
        {
            "staff_no": cell.staff.staff_no,
            "day": cell.day.isoformat(),
            "before": cell.code,
            "after": "",
            "required": True,
        }
    ]
    assert cell.staff.staff_no in preview["affected"] and preview["hard"] == []
    assert preview["under_after"] <= preview["under_without_repair"]
    assert sorted(Assignment.objects.filter(roster=roster).values_list("staff__staff_no", "day", "code")) == before
    assert RosterEdit.objects.count() == 0


def test_confirmed_days_stay_unless_the_absence_frees_them(planned):
    _lead, roster = planned
    cell = _worked(roster)
    last = START + timedelta(days=6)
    preview = services.repair_preview(
        roster, absences=[(cell.staff.staff_no, cell.day, cell.day)], today=TODAY, confirmed_through=last, time_limit=5
    )
    assert [(m["staff_no"], m["day"]) for m in preview["moves"]] == [(cell.staff.staff_no, cell.day.isoformat())]


def test_apply_writes_the_moves_records_the_absence_and_refuses_a_stale_preview(planned):
    lead, roster = planned
    cell = _worked(roster)
    absences = [(cell.staff.staff_no, cell.day, cell.day)]
    preview = services.repair_preview(roster, absences=absences, today=TODAY, time_limit=5)
    n = services.apply_repair(roster, absences=absences, moves=preview["moves"], actor=lead)
    assert n == len(preview["moves"]) == RosterEdit.objects.filter(roster=roster).count()
    assert not Assignment.objects.filter(roster=roster, staff=cell.staff, day=cell.day).exists()
    roster.refresh_from_db()
    agent = next(a for a in roster.inputs["agents"] if a["staff_no"] == cell.staff.staff_no)
    assert (cell.day - START).days in agent["unavailable"]
    assert roster.report["hard"] == []
    ev = engine.evaluate(services.problem_of(roster.inputs), services.roster_map(roster))
    assert ev.hard == [] and roster.objective == ev.soft_cost
    # the same preview again: its cells no longer hold what it saw
    with pytest.raises(RuleViolation) as exc:
        services.apply_repair(roster, absences=absences, moves=preview["moves"], actor=lead)
    assert exc.value.problems[0].rule == "stale"


def test_apply_notifies_exactly_the_people_affected(planned):
    """Applying a repair tells each agent with a moved cell, once, which of their days changed (in-app through the
    notification service); the others, the planner included, hear nothing. The preview notifies nobody."""
    lead, roster = planned
    cell = _worked(roster)
    absences = [(cell.staff.staff_no, cell.day, cell.day)]
    preview = services.repair_preview(roster, absences=absences, today=TODAY, time_limit=5)
    assert Notification.objects.count() == 0
    services.apply_repair(roster, absences=absences, moves=preview["moves"], actor=lead)
    rows = list(Notification.objects.filter(code="roster.repair.changed").select_related("recipient"))
    assert sorted(n.recipient.staff_no for n in rows) == sorted(preview["affected"])
    assert cell.staff.staff_no in {n.recipient.staff_no for n in rows} and lead.staff_no not in preview["affected"]
    mine = next(n for n in rows if n.recipient.staff_no == cell.staff.staff_no)
    their_days = sorted(m["day"][5:] for m in preview["moves"] if m["staff_no"] == cell.staff.staff_no)
    assert mine.link == f"/roster/{roster.id}/" and mine.params["days"] == their_days
    with translation.override("zh-hans"):
        assert render(mine.code, mine.params) == (
            f"因缺勤重排，您在 {START.isoformat()} 起的排班表中 {'、'.join(their_days)} 的班次有调整，请查看"
        )
    with translation.override("en"):
        assert render(mine.code, mine.params).startswith(f"Your shifts on {', '.join(their_days)} in the roster from")


def test_absences_outside_the_roster_are_refused(planned):
    _lead, roster = planned
    with pytest.raises(RuleViolation) as exc:
        services.repair_preview(roster, absences=[("9999", START, START)], today=TODAY)
    assert exc.value.problems[0].field == "absences"
    with pytest.raises(RuleViolation):
        services.repair_preview(
            roster, absences=[("3201", START - timedelta(days=9), START - timedelta(days=8))], today=TODAY
        )
    with pytest.raises(RuleViolation):
        services.repair_preview(roster, absences=[], today=TODAY)


def test_the_page_previews_and_applies_in_english(planned, client_for):
    lead, roster = planned
    cell = _worked(roster)
    client = english_client(client_for(lead))
    line = f"{cell.staff.staff_no} {cell.day.isoformat()}"
    html = assert_english(
        client.post(f"/roster/{roster.id}/repair/", {"absences": line}),
        "Re-roster after absences",
        "people affected",
        "Absent",
        "Apply and notify",
    )
    payload = html.split('name="payload" value="', 1)[1].split('"', 1)[0].replace("&quot;", '"')
    r = client.post(f"/roster/{roster.id}/repair/apply/", {"payload": payload}, follow=True)
    assert_english(r, "Re-rostered after the absences")
    assert not Assignment.objects.filter(roster=roster, staff=cell.staff, day=cell.day).exists()
    r = client.post(f"/roster/{roster.id}/repair/", {"absences": "3201 2030-13-01"})
    assert r.status_code == 200
