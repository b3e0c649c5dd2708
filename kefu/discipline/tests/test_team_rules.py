"""A group's own reward-and-penalty scheme, set by its team lead for that group only, audited (004:L913 话务班长:
制定…服务用语规范、人员行为准则、奖惩办法)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from kefu.discipline import services
from kefu.discipline.models import TeamRules, TeamRulesChange
from kefu.errors import NotAllowed, RuleViolation
from kefu.scope import scope_of

NOW = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)
DEARER = {"types": {"chatting": {"ladder": {"steps": [{"fine": "20"}, {"fine": "50"}]}}}}


@pytest.fixture
def groups(center, make_staff):
    from kefu.org.models import Department, Policy, Team

    Policy.objects.update_or_create(center=center, defaults={"preset": "hotline", "overrides": {}})
    dept = Department.objects.create(center=center, code="cs", name="客服部", kind=Department.Kind.FRONT_LINE)
    lead_a, lead_b = make_staff("team_lead", staff_no="3001"), make_staff("team_lead", staff_no="3002")
    team_a = Team.objects.create(center=center, code="a", name="一班", department=dept, lead=lead_a)
    team_b = Team.objects.create(center=center, code="b", name="二班", department=dept, lead=lead_b)
    return {
        "lead_a": lead_a,
        "lead_b": lead_b,
        "team_a": team_a,
        "team_b": team_b,
        "a": make_staff("agent", staff_no="2001", team=team_a, department=dept),
        "b": make_staff("agent", staff_no="2002", team=team_b, department=dept),
        "sup": make_staff("supervisor", staff_no="4001", department=dept),
    }


def chat(groups, who, day):
    return services.record_violation(
        scope_of(groups["lead_a"]),
        staff_no=groups[who].staff_no,
        type_code="chatting",
        occurred_on=date(2026, 11, day),
        note="聚众聊天",
        now=NOW,
    )


@pytest.mark.django_db
def test_team_lead_sets_the_groups_scheme_for_the_group_only(groups):
    """004:L913: team A's lead makes chatting dearer in team A (20, then 50); team B keeps the center's 10 (002:L495)."""
    services.set_team_rules(scope_of(groups["lead_a"]), groups["team_a"].pk, overrides=DEARER)
    assert [chat(groups, "a", d).sanction for d in (3, 4)] == [{"fine": "20"}, {"fine": "50"}]
    assert chat(groups, "b", 3).sanction == {"fine": "10"}
    view = services.team_rules(scope_of(groups["sup"]), groups["team_a"].pk)
    assert view["version"] == 1 and view["effective"]["types"]["chatting"]["ladder"]["steps"][0] == {"fine": "20"}


@pytest.mark.django_db
def test_only_the_groups_own_lead_may_set_it(groups):
    for who in ("lead_b", "sup"):
        with pytest.raises(NotAllowed) as err:
            services.set_team_rules(scope_of(groups[who]), groups["team_a"].pk, overrides=DEARER)
        assert "一班的班长" in str(err.value.problems[0].message)
    assert not TeamRules.objects.exists()


@pytest.mark.django_db
def test_bad_schemes_are_refused_in_chinese_and_change_nothing(groups):
    lead, team = scope_of(groups["lead_a"]), groups["team_a"].pk
    services.set_team_rules(lead, team, overrides=DEARER)
    for bad in (
        {"types": {"chatting": {"ladder": {"steps": [{"fine": "-5"}]}}}},
        {"appraisal": {"scheme": "score"}},
        {"types": "none"},
        {"types": {"snacks": 5}},
        {"types": {"snacks": {"label": "上班吃零食", "ladder": {"steps": [{"fine": "5"}], "period": ["x"]}}}},
        {"rewards": {"tidy": {"label": "工位整洁", "amount": "-1"}}},
    ):
        with pytest.raises(RuleViolation) as err:
            services.set_team_rules(lead, team, overrides=bad)
        assert any("\u4e00" <= ch <= "\u9fff" for ch in str(err.value.problems[0].message))
    row = TeamRules.objects.get()
    assert row.overrides == DEARER and row.version == 1 and TeamRulesChange.objects.count() == 1


@pytest.mark.django_db
def test_changes_are_kept_and_audited_through_the_api(groups, client_for):
    from kefu.audit.models import AuditRecord

    client = client_for(groups["lead_a"])
    url = f"/api/discipline/team-rules/{groups['team_a'].pk}"
    r = client.put(url, json.dumps({"overrides": DEARER, "version": 0}), content_type="application/json")
    assert r.status_code == 200 and r.json()["version"] == 1
    r = client.put(url, json.dumps({"overrides": {}, "version": 0}), content_type="application/json")
    assert r.status_code == 409  # stale version
    r = client.put(url, json.dumps({"overrides": {}, "version": 1}), content_type="application/json")
    assert r.status_code == 200 and r.json()["overrides"] == {}
    changes = r.json()["changes"]
    assert [c["after"] for c in changes] == [{}, DEARER] and changes[0]["before"] == DEARER
    assert AuditRecord.objects.filter(object_type="discipline_team_rules", action="write").count() == 2
    assert (
        client_for(groups["lead_b"])
        .put(url, json.dumps({"overrides": DEARER}), content_type="application/json")
        .status_code
        == 403
    )
