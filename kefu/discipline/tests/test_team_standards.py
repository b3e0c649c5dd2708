"""A group's work rules and phrase standards, set by its team lead for that group only, read by its members, every
change kept whole and audited (004:L913 话务班长: 制定班组的规章制度、用语规范); the phrase checker flags the group's
own discouraged phrases in its members' texts and in no one else's."""

from __future__ import annotations

import pytest

from kefu.discipline import services
from kefu.discipline.models import TeamStandard, TeamStandardChange
from kefu.errors import Conflict, NotAllowed, RuleViolation
from kefu.scope import scope_of

RULES = [
    {"title": "交接班", "text": "提前十五分钟到岗，交接未完成的工单。"},
    {"title": "工位整洁", "text": "下班前清理桌面，耳麦放回原位。"},
]
STANDARD = [{"situation": "closing", "title": "本组结束语", "text": "感谢您的来电，祝您生活愉快！"}]
DISCOURAGED = [{"phrase": "搞不定", "suggestion": "我马上为您确认"}]


@pytest.fixture
def groups(center, make_staff):
    from kefu.org.models import Department, Team

    dept = Department.objects.create(center=center, code="cs", name="客服部", kind=Department.Kind.FRONT_LINE)
    lead_a, lead_b = make_staff("team_lead", staff_no="3001"), make_staff("team_lead", staff_no="3002")
    team_a = Team.objects.create(center=center, code="a", name="一班", department=dept, lead=lead_a)
    team_b = Team.objects.create(center=center, code="b", name="二班", department=dept, lead=lead_b)
    for lead, team in ((lead_a, team_a), (lead_b, team_b)):
        lead.team = team
        lead.save(update_fields=["team"])
    return {
        "lead_a": lead_a,
        "lead_b": lead_b,
        "team_a": team_a,
        "team_b": team_b,
        "a": make_staff("agent", staff_no="2001", team=team_a, department=dept),
        "b": make_staff("agent", staff_no="2002", team=team_b, department=dept),
        "none": make_staff("agent", staff_no="2003", department=dept),
        "sup": make_staff("supervisor", staff_no="4001", department=dept),
    }


def phrases(groups, who="lead_a", **kwargs):
    args = {"standard": STANDARD, "discouraged": DISCOURAGED} | kwargs
    return services.set_phrase_standards(scope_of(groups[who]), groups["team_a"].pk, **args)


def test_team_lead_writes_the_groups_work_rules_and_members_read_them(groups):
    """004:L913: the team lead makes the group's work rules; each version kept whole (before, after) and audited."""
    from kefu.audit.models import AuditRecord

    lead = scope_of(groups["lead_a"])
    services.set_work_rules(lead, groups["team_a"].pk, sections=RULES)
    services.set_work_rules(
        lead, groups["team_a"].pk, sections=RULES[:1] + [{"title": " 请假 ", "text": "提前一天报班长。"}], version=1
    )
    view = services.team_standards(scope_of(groups["a"]))
    assert view["team"] == groups["team_a"] and not view["may_edit"]
    assert view["work_rules"]["version"] == 2
    assert [s["title"] for s in view["work_rules"]["content"]["sections"]] == ["交接班", "请假"]
    changes = list(TeamStandardChange.objects.order_by("version"))
    assert [(c.version, c.by_id) for c in changes] == [(1, groups["lead_a"].pk), (2, groups["lead_a"].pk)]
    assert changes[0].before == {} and changes[1].before == {"sections": RULES}
    assert changes[1].after["sections"][1] == {"title": "请假", "text": "提前一天报班长。"}
    assert AuditRecord.objects.filter(object_type="discipline_team_work_rules", action="write").count() == 2
    assert services.team_standards(scope_of(groups["lead_a"]))["may_edit"]
    # saving the same content again is no new version
    services.set_work_rules(lead, groups["team_a"].pk, sections=view["work_rules"]["content"]["sections"])
    assert TeamStandard.objects.get().version == 2


def test_only_the_groups_own_lead_may_write_and_members_read_only_their_own(groups):
    for who in ("lead_b", "sup", "a"):
        with pytest.raises(NotAllowed) as refused:
            services.set_work_rules(scope_of(groups[who]), groups["team_a"].pk, sections=RULES)
        assert "一班的班长" in str(refused.value.problems[0].message)
        with pytest.raises(NotAllowed):
            phrases(groups, who)
    assert not TeamStandard.objects.exists()
    with pytest.raises(NotAllowed) as refused:  # an agent of another group
        services.team_standards(scope_of(groups["b"]), groups["team_a"].pk)
    assert "一班 不是您的班组" in str(refused.value.problems[0].message)
    assert services.team_standards(scope_of(groups["sup"]), groups["team_a"].pk)["team"] == groups["team_a"]
    assert services.team_standards(scope_of(groups["none"])) is None
    groups["lead_b"].team = None  # a lead not listed as a member of the group they lead still opens it
    groups["lead_b"].save(update_fields=["team"])
    assert services.team_standards(scope_of(groups["lead_b"]))["team"] == groups["team_b"]


def test_bad_input_is_refused_in_chinese_and_changes_nothing(groups):
    lead, team = scope_of(groups["lead_a"]), groups["team_a"].pk
    services.set_work_rules(lead, team, sections=RULES)
    phrases(groups)
    bad_rules = (
        [{"title": "", "text": "只有内容"}],
        [{"title": "长" * 61, "text": "x"}],
        "交接班",
        [5],
        [{"title": "x", "text": "y"}] * 31,
        [{"title": 7, "text": "y"}],
    )
    for bad in bad_rules:
        with pytest.raises(RuleViolation) as refused:
            services.set_work_rules(lead, team, sections=bad)
        assert any("\u4e00" <= ch <= "\u9fff" for ch in str(refused.value.problems[0].message)), bad
    refused_phrases = (
        ({"discouraged": [{"phrase": "搞不定", "suggestion": ""}]}, "建议说法：必须填写"),
        ({"discouraged": DISCOURAGED * 2}, "“搞不定”重复填写"),
        ({"standard": [{"situation": "karaoke", "title": "t", "text": "您好"}]}, "karaoke 不是标准用语的场景"),
        ({"standard": [{"situation": "closing", "title": "t", "text": "你问我，我问谁？"}]}, "不能含有忌用语"),
        # a standard phrase may not hold the group's own discouraged phrase either
        ({"standard": [{"situation": "closing", "title": "t", "text": "这个我搞不定。"}]}, "“搞不定”"),
    )
    for kwargs, words in refused_phrases:
        with pytest.raises(RuleViolation) as refused:
            phrases(groups, **kwargs)
        assert words in str(refused.value), (kwargs, str(refused.value))
    with pytest.raises(Conflict):
        services.set_work_rules(lead, team, sections=RULES[:1], version=0)  # someone saved version 1 meanwhile
    assert {s.kind: s.version for s in TeamStandard.objects.all()} == {"work_rules": 1, "phrases": 1}
    assert TeamStandardChange.objects.count() == 2
    assert TeamStandard.objects.get(kind="phrases").content == {"standard": STANDARD, "discouraged": DISCOURAGED}


def test_phrase_checker_flags_the_groups_phrases_for_its_members_only(groups, client_for):
    """004:L913 用语规范: the group's discouraged phrase is flagged in its members' texts, with the wording to use;
    the center's rules are unchanged for everyone, and other groups' members see no group addition."""
    from kefu.knowledge import services as knowledge

    text = "这个问题我搞不定，你问我，我问谁？"
    before = [(h.code, h.start, h.end) for h in knowledge.check_text(text, groups["a"].center)]
    assert before and all(not code.startswith("team") for code, _, _ in before)
    phrases(groups)
    mine = knowledge.check_text(text, groups["a"].center, groups["a"])
    added = [h for h in mine if h.code.startswith("team")]
    assert [(h.phrase, h.suggestion, h.category) for h in added] == [("搞不定", "我马上为您确认", "discouraged")]
    assert [(h.code, h.start, h.end) for h in mine if h not in added] == before
    for other in (groups["b"], groups["none"], None):
        assert [(h.code, h.start, h.end) for h in knowledge.check_text(text, groups["a"].center, other)] == before
    answer = client_for(groups["a"]).get("/api/knowledge/check", {"text": text}).json()
    assert "搞不定" in [h["phrase"] for h in answer["hits"]]
    answer = client_for(groups["b"]).get("/api/knowledge/check", {"text": text}).json()
    assert "搞不定" not in [h["phrase"] for h in answer["hits"]]


def test_the_group_page_for_members_and_the_lead(groups, client_for):
    """004:L913: members read the group's rules; the lead edits them from the page; a bad form is refused in Chinese."""
    lead = client_for(groups["lead_a"])
    r = lead.post(
        f"/discipline/group/{groups['team_a'].pk}/work_rules/",
        {"version": "0", "title": ["交接班", ""], "text": ["提前十五分钟到岗。", ""]},
        follow=True,
    )
    assert r.status_code == 200 and "已保存" in r.content.decode()
    r = lead.post(
        f"/discipline/group/{groups['team_a'].pk}/phrases/",
        {
            "version": "0",
            "situation": ["closing", "welcome"],
            "title": ["本组结束语", ""],
            "text": ["感谢您的来电，祝您生活愉快！", ""],
            "phrase": ["搞不定", ""],
            "suggestion": ["我马上为您确认", ""],
        },
        follow=True,
    )
    assert "已保存" in r.content.decode()
    assert TeamStandard.objects.get(kind="phrases").content["discouraged"] == DISCOURAGED
    services.set_team_rules(
        scope_of(groups["lead_a"]),
        groups["team_a"].pk,
        overrides={"types": {"chatting": {"ladder": {"steps": [{"fine": "20"}, {"fine": "50"}]}}}},
    )
    page = client_for(groups["a"]).get("/discipline/group/").content.decode()
    for words in (
        "交接班",
        "提前十五分钟到岗。",
        "本组结束语",
        "搞不定",
        "我马上为您确认",
        "第 1 版",
        "罚款 20 元 → 罚款 50 元",
    ):  # the group's reward-and-penalty scheme beside its rules
        assert words in page
    assert "修改班组规章制度" not in page  # members read, only the lead edits
    r = client_for(groups["b"]).post(
        f"/discipline/group/{groups['team_a'].pk}/work_rules/",
        {"version": "1", "title": ["改"], "text": ["改"]},
        follow=True,
    )
    assert "只有一班的班长" in r.content.decode()
    r = lead.post(
        f"/discipline/group/{groups['team_a'].pk}/work_rules/",
        {"version": "1", "title": [""], "text": ["没有标题"]},
        follow=True,
    )
    assert "条目标题：必须填写" in r.content.decode()
    assert TeamStandard.objects.get(kind="work_rules").version == 1
    assert client_for(groups["a"]).get("/discipline/group/", {"team": "x"}).status_code == 400


def test_the_group_page_in_english(groups, client_for):
    from kefu.web.tests.english import assert_english, english

    services.set_work_rules(scope_of(groups["lead_a"]), groups["team_a"].pk, sections=RULES)
    phrases(groups)
    user_data = (
        ("一班", "二班", "员工3001")
        + tuple(v for r in RULES + STANDARD + DISCOURAGED for v in r.values())
        + ("交接班", "工位整洁")
    )
    assert_english(
        english(client_for(groups["a"])).get("/discipline/group/"),
        "Team rules",
        "Work rules",
        "Phrase standards",
        user_data=user_data,
    )
    assert_english(
        english(client_for(groups["lead_a"])).get("/discipline/group/"), "Save the work rules", user_data=user_data
    )


def test_demo_teams_lead_has_written_the_groups_rules_once(db):
    """The demo center: teamlead1's group has work rules and phrase standards (004:L913), written once."""
    import io
    import random

    from kefu.discipline import demo
    from kefu.knowledge import services as knowledge
    from kefu.org import demo as org_demo
    from kefu.org.models import Staff

    out = io.StringIO()
    center = org_demo.build(None, random.Random(1), out)
    demo.team_standards(center, out)
    demo.team_standards(center, out)
    lead = Staff.objects.get(center=center, user__username="teamlead1")
    assert {s.kind: s.version for s in TeamStandard.objects.filter(team=lead.team)} == {"work_rules": 1, "phrases": 1}
    member = Staff.objects.filter(team=lead.team).exclude(pk=lead.pk).first()
    assert "搞不定" in [h.phrase for h in knowledge.check_text("这事我搞不定", center, member)]


def test_workbench_check_flags_the_groups_phrases_for_its_members_only(groups, client_for):
    """004:L913 用语规范: where agents write their replies (the call workbench and its API), the group's discouraged
    phrase is flagged for the group's members and for no one else."""
    phrases(groups)
    text = "这个我搞不定"
    mine = client_for(groups["a"]).post("/api/workbench/check", {"text": text}, content_type="application/json").json()
    assert "搞不定" in [h["phrase"] for h in mine["hits"]] and not mine["ok"]
    other = client_for(groups["b"]).post("/api/workbench/check", {"text": text}, content_type="application/json").json()
    assert "搞不定" not in [h["phrase"] for h in other["hits"]]
    panel = client_for(groups["a"]).get("/workbench/check/", {"reply": text}).content.decode()
    assert "搞不定" in panel
