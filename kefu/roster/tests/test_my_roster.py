"""我的排班 (issue 17, item 5): an agent reads their own published shifts, this month and the next, by name and local
hours from the center's shift calendar; nobody else's, and nothing of another center."""

from datetime import timedelta

import pytest
from django.utils import timezone

from kefu.org import services as org_services
from kefu.roster import selectors, services
from kefu.roster.models import Assignment, Roster
from kefu.wfm.tests.english import english_client
from kefu.workcal.selectors import shift_calendar

pytestmark = pytest.mark.django_db


def _published(center, rows: dict, start, days=14, status=Roster.Status.PUBLISHED) -> Roster:
    """A roster of `days` days from `start` with the given {(staff, day offset): code} cells."""
    templates = {t.code: t for t in services.ensure_templates(center)}
    roster = Roster.objects.create(center=center, start=start, days=days, status=status, solver_status="FEASIBLE")
    for (staff, offset), code in rows.items():
        Assignment.objects.create(
            roster=roster, staff=staff, day=start + timedelta(days=offset), shift=templates.get(code), code=code
        )
    return roster


def _codes(center):
    calendar = shift_calendar(center)
    day = next(t for t in calendar if not t.night)
    night = next(t for t in calendar if t.night)
    return day, night


def test_an_agent_reads_only_their_own_days_with_names_hours_and_days_off(center, make_staff):
    me, other = make_staff("agent", staff_no="4101"), make_staff("agent", staff_no="4102")
    day, night = _codes(center)
    first = timezone.localdate().replace(day=1)
    _published(center, {(me, 0): day.code, (me, 1): night.code, (other, 2): day.code, (me, 3): "B"}, first)
    last = first + timedelta(days=20)
    shown = {d["day"]: d for d in selectors.my_shifts(me, first, last)}
    assert len(shown) == 21
    assert (shown[first]["name"], shown[first]["start"], shown[first]["end"]) == (day.name, day.start, day.end)
    assert shown[first + timedelta(days=1)]["night"] and shown[first + timedelta(days=1)]["name"] == night.name
    assert shown[first + timedelta(days=2)]["off"] and not shown[first + timedelta(days=2)]["code"]  # the other's shift
    assert shown[first + timedelta(days=3)]["reserve"]  # on call, no seat (004:L787)
    assert not shown[first + timedelta(days=15)]["published"]  # past the roster: nothing published, not a day off


def test_a_draft_is_not_shown_and_another_centers_roster_is_not_read(center, make_staff):
    me = make_staff("agent", staff_no="4111")
    day, _night = _codes(center)
    first = timezone.localdate().replace(day=1)
    _published(center, {(me, 0): day.code}, first, status=Roster.Status.DRAFT)
    elsewhere = org_services.create_center("other", "另一中心")
    _published(elsewhere, {(me, 1): day.code}, first)  # even a row naming this agent in another center's roster
    shown = selectors.my_shifts(me, first, first + timedelta(days=5))
    assert not any(d["published"] or d["code"] for d in shown)


def test_my_roster_page_is_the_callers_own_and_in_the_agents_top_bar(center, make_staff, client_for):
    me, other = make_staff("agent", staff_no="4121"), make_staff("agent", staff_no="4122")
    day, _night = _codes(center)
    first = timezone.localdate().replace(day=1)
    _published(center, {(me, 0): day.code, (other, 1): day.code}, first)
    page = client_for(me).get("/roster/mine/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'href="/roster/mine/"' in html  # in the top bar
    assert f'data-day="{first:%Y-%m-%d}"' in html and f"{day.start}–" in html
    row = html.split(f'data-day="{(first + timedelta(days=1)):%Y-%m-%d}"')[1].split("</tr>")[0]
    assert "休息" in row  # the other agent's shift that day is not mine
    assert 'id="month-' in html and html.count('class="card my-roster"') == 2  # this month and the next


def test_staff_without_floor_shifts_get_no_my_roster(center, make_staff, client_for):
    manager = make_staff("manager", staff_no="4131")
    assert client_for(manager).get("/roster/mine/").status_code == 403


def test_roster_pages_show_readable_solver_results_not_the_solvers_words(center, make_staff, client_for):
    """No solver internals on the pages (issue 17, item 4): the solver's status reads as a sentence, no objective."""
    for i in range(4):
        make_staff("agent", staff_no=str(4151 + i))
    lead = make_staff("supervisor", staff_no="4141")
    row = [0] * 16 + [1] * 20 + [1] * 12
    roster = services.generate(
        center, start=timezone.localdate() + timedelta(days=40), days=3, actor=lead, requirement=[row] * 3, time_limit=2
    )
    client = client_for(lead)
    for status, shown in (("FEASIBLE", "已找到可行排班"), ("OPTIMAL", "已证明最优")):
        Roster.objects.filter(pk=roster.pk).update(solver_status=status)
        for url in ("/roster/", f"/roster/{roster.id}/"):
            html = client.get(url).content.decode()
            assert shown in html, url
            assert "FEASIBLE" not in html and "OPTIMAL" not in html and "目标值" not in html, url
    english = english_client(client_for(lead)).get(f"/roster/{roster.id}/").content.decode()
    assert "Proved optimal" in english and "OPTIMAL" not in english


def test_an_approved_swap_shows_on_both_agents_roster(center, make_staff):
    """The swap is written into the published roster when approved (attendance.apply_swap, 002:L77-81), so my roster
    shows the shift taken over and the day given away."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from kefu.attendance.models import ShiftSwap
    from kefu.attendance.services import apply_swap

    me, other = make_staff("agent", staff_no="4161"), make_staff("agent", staff_no="4162")
    lead = make_staff("team_lead", staff_no="4169")
    day, night = _codes(center)
    first = timezone.localdate().replace(day=1)
    roster = _published(center, {(me, 0): day.code, (other, 1): night.code}, first)
    tz = ZoneInfo(center.time_zone)
    mine_start = datetime.combine(first, Assignment.objects.get(roster=roster, staff=me).shift.start, tz)
    theirs_start = datetime.combine(
        first + timedelta(days=1), Assignment.objects.get(roster=roster, staff=other).shift.start, tz
    )
    swap = ShiftSwap(
        requester=me,
        counterpart=other,
        requester_shift_start=mine_start,
        requester_shift_end=mine_start + timedelta(hours=9),
        counterpart_shift_start=theirs_start,
        counterpart_shift_end=theirs_start + timedelta(hours=8),
        reason="家中有事",
    )
    apply_swap(swap, lead)
    shown = selectors.my_shifts(me, first, first + timedelta(days=1))
    assert shown[0]["off"] and shown[1]["name"] == night.name
    assert selectors.my_shifts(other, first, first)[0]["name"] == day.name
