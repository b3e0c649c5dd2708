"""The knowledge base workflow against the database: editor drafts, team lead approves before publishing
(004:L959, 002:L262-266), agents are notified (004:L957), search, expiry, key accounts (004:L961)."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from kefu.errors import RuleViolation
from kefu.knowledge import selectors, services
from kefu.knowledge.models import (
    Article,
    ArticleVersion,
    IndexMeta,
    KeyAccount,
    Notification,
    PhraseRule,
    Posting,
    TermStat,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(make_staff):
    return {
        "editor": make_staff("editor", staff_no="3001"),
        "lead": make_staff("team_lead", staff_no="3002"),
        "agent": make_staff("agent", staff_no="3003"),
        "senior": make_staff("senior_agent", staff_no="3004"),
        "qa": make_staff("qa", staff_no="3005"),
    }


def _draft(editor, **kw):
    fields = dict(
        title="路灯不亮的交办",
        body="滨江路等城市道路路灯不亮、影响市民出行的来电，交办市住建局。",
        tags=["路灯"],
        confirmed_by="市住建局 张科长",
        source_doc="住建发〔2026〕12号",
    )
    fields.update(kw)
    return services.create_article(editor, **fields)


def _snapshot():
    return (
        Article.objects.count(),
        list(ArticleVersion.objects.values_list("id", "status")),
        Notification.objects.count(),
        Posting.objects.count(),
    )


def test_draft_is_not_searchable_until_the_team_lead_approves(people):
    # 004:L959: a change proposed by the editor is implemented only after the team lead approves.
    v = _draft(people["editor"])
    assert selectors.search_articles("路灯不亮找谁") == []
    services.submit_version(people["editor"], v)
    assert Article.objects.get().status == Article.Status.PENDING
    assert selectors.search_articles("路灯不亮找谁") == []
    services.approve_version(people["lead"], v, "同意")
    found = selectors.search_articles("滨江路路灯不亮找谁")
    assert [f.article.title for f in found] == ["路灯不亮的交办"]
    article = Article.objects.get()
    assert article.status == Article.Status.PUBLISHED and article.published_version_id == v.pk and article.published_at


def test_publishing_notifies_the_agents(people):
    # 004:L957: update the KB and notify the staff (及时通知); the policy names the roles (agent, senior agent).
    v = _draft(people["editor"])
    services.submit_version(people["editor"], v)
    services.approve_version(people["lead"], v)
    recipients = set(Notification.objects.values_list("recipient__staff_no", flat=True))
    assert recipients == {"3003", "3004"}
    n = Notification.objects.get(recipient=people["agent"])
    assert "路灯不亮的交办" in n.message and n.read_at is None
    services.mark_read(people["agent"], n)
    assert Notification.objects.get(pk=n.pk).read_at is not None
    with pytest.raises(RuleViolation):
        services.mark_read(people["senior"], n)


def test_only_a_team_lead_may_approve_and_not_their_own_version(people, make_staff):
    v = _draft(people["editor"])
    services.submit_version(people["editor"], v)
    before = _snapshot()
    with pytest.raises(RuleViolation) as err:
        services.approve_version(people["qa"], v)
    assert err.value.status == 403 and err.value.problems[0].rule == "team_lead_approval"
    assert _snapshot() == before
    # A person who is both editor and team lead may not approve their own version (004:L959 交班长审核).
    both = make_staff("editor", "team_lead", staff_no="3010")
    own = _draft(both, title="停车费纠纷的交办", body="停车费纠纷属于发改委管。")
    services.submit_version(both, own)
    before = _snapshot()
    with pytest.raises(RuleViolation) as err:
        services.approve_version(both, own)
    assert err.value.problems[0].rule == "self_approval"
    assert _snapshot() == before


def test_issuer_confirmation_required_before_review(people):
    # 002:L262-264: the issuing department confirms the unified wording before it enters the KB.
    v = _draft(people["editor"], confirmed_by="")
    before = _snapshot()
    with pytest.raises(RuleViolation) as err:
        services.submit_version(people["editor"], v)
    assert err.value.problems[0].field == "confirmed_by" and "确认统一口径" in err.value.problems[0].message  # 002:L264
    assert _snapshot() == before


def test_issuer_confirmation_is_policy(people, center):
    from kefu.org import services as org_services

    org_services.update_policy(center, preset="ecommerce", overrides={})
    v = _draft(people["editor"], confirmed_by="")
    assert services.submit_version(people["editor"], v).status == ArticleVersion.Status.SUBMITTED


def test_forbidden_phrase_in_the_wording_is_refused(people):
    # 004:L1169: no forbidden phrase — not even in the unified wording agents read out.
    v = _draft(people["editor"], body="这不关我的事，你找住建局问。")
    before = _snapshot()
    with pytest.raises(RuleViolation) as err:
        services.submit_version(people["editor"], v)
    assert err.value.problems[0].rule == "forbidden_phrase"
    assert _snapshot() == before


def test_bad_input_changes_nothing(people):
    before = _snapshot()
    with pytest.raises(RuleViolation) as err:
        _draft(people["editor"], title="", valid_from=date(2026, 5, 2), valid_to=date(2026, 5, 1))
    fields = {p.field for p in err.value.problems}
    assert fields == {"title", "valid_to"}
    assert _snapshot() == before


def test_reject_needs_a_note_and_returns_to_the_editor(people):
    v = _draft(people["editor"])
    services.submit_version(people["editor"], v)
    with pytest.raises(RuleViolation):
        services.reject_version(people["lead"], v, "")
    services.reject_version(people["lead"], v, "口径不够简明")
    v.refresh_from_db()
    assert v.status == ArticleVersion.Status.REJECTED and v.review_note == "口径不够简明"
    assert Article.objects.get().status == Article.Status.DRAFT
    # The editor revises the rejected draft and resubmits it.
    again = services.revise_article(
        people["editor"], v.article, title=v.title, body="路灯不亮交办市住建局。", confirmed_by="张科长"
    )
    assert again.pk == v.pk and again.status == ArticleVersion.Status.DRAFT
    services.submit_version(people["editor"], again)


def test_new_version_supersedes_and_keeps_history(people):
    # 002:L266: keep the start and end times of every change and the originals.
    v1 = _draft(people["editor"])
    services.submit_version(people["editor"], v1)
    services.approve_version(people["lead"], v1)
    v2 = services.revise_article(
        people["editor"],
        v1.article,
        title="路灯不亮的交办",
        body="路灯不亮交办市住建局，夜间可先报城管值班。",
        confirmed_by="张科长",
        source_text="原件：住建发〔2026〕15号",
    )
    assert v2.number == 2
    with pytest.raises(RuleViolation) as err:  # under review: no edits
        services.submit_version(people["editor"], v2)
        services.revise_article(people["editor"], v1.article, title="x", body="y")
    assert err.value.problems[0].rule == "under_review"
    # Until approved, agents still see version 1.
    assert "城管" not in Article.objects.get().body
    services.approve_version(people["lead"], v2)
    statuses = dict(ArticleVersion.objects.values_list("number", "status"))
    assert statuses == {1: "superseded", 2: "approved"}
    assert "城管" in Article.objects.get().body
    assert Notification.objects.filter(recipient=people["agent"]).count() == 2
    assert [f.article.pk for f in selectors.search_articles("城管值班")] == [v1.article_id]


def test_expired_and_retired_entries_leave_search(people):
    today = timezone.localdate()
    v = _draft(people["editor"], valid_to=today + timedelta(days=3))
    services.submit_version(people["editor"], v)
    services.approve_version(people["lead"], v)
    assert selectors.search_articles("路灯不亮", today=today)
    assert selectors.search_articles("路灯不亮", today=today + timedelta(days=4)) == []
    assert list(selectors.expiring(people["editor"].center, today=today, days=7)) == [v.article]
    with pytest.raises(RuleViolation):
        services.retire_article(people["editor"], v.article, "")
    services.retire_article(people["editor"], v.article, "政策已废止")
    assert selectors.search_articles("路灯不亮", today=today) == []
    assert Posting.objects.count() == 0 and IndexMeta.objects.get().n_docs == 0
    assert TermStat.objects.filter(df__gt=0).count() == 0


def test_search_uses_synonyms_and_ranks(people):
    for title, body in [
        ("最低生活保障资金分配的交办", "最低生活保障资金的分配交办给民政局。"),
        ("城市流浪狗的管理部门", "城市流浪狗的管理属于公安局管。"),
        ("停车费纠纷的交办", "停车费纠纷属于发改委管。"),
    ]:
        v = _draft(people["editor"], title=title, body=body, tags=[])
        services.submit_version(people["editor"], v)
        services.approve_version(people["lead"], v)
    # Without a synonym 低保 meets 最低生活保障 only through its characters 低 and 保.
    partial = {f.article.title: f.score for f in selectors.search_articles("低保的钱怎么分")}
    services.save_synonym("低保", ["最低生活保障"])
    assert selectors.search_articles("低保的钱怎么分")[0].score > partial.get("最低生活保障资金分配的交办", 0)
    services.save_synonym("野狗", ["流浪狗"])
    assert selectors.search_articles("低保的钱怎么分")[0].article.title == "最低生活保障资金分配的交办"
    assert selectors.search_articles("街上好多野狗咬人")[0].article.title == "城市流浪狗的管理部门"
    with pytest.raises(RuleViolation):
        services.save_synonym("低保", [])


def test_rebuild_index_matches_incremental(people):
    for title, body in [("井盖丢失", "路面井盖丢失按标识交办住建局。"), ("地沟油", "地沟油回收归质检部门管。")]:
        v = _draft(people["editor"], title=title, body=body, tags=[])
        services.submit_version(people["editor"], v)
        services.approve_version(people["lead"], v)
    incremental = sorted(Posting.objects.values_list("term", "article_id", "tf"))
    df = dict(TermStat.objects.filter(df__gt=0).values_list("term", "df"))
    meta = IndexMeta.objects.values_list("n_docs", "total_len").get()
    assert services.rebuild_index() == 2
    assert sorted(Posting.objects.values_list("term", "article_id", "tf")) == incremental
    assert dict(TermStat.objects.values_list("term", "df")) == df
    assert IndexMeta.objects.values_list("n_docs", "total_len").get() == meta


def test_key_accounts_kept_by_the_editor(people):
    # 004:L961: the editor keeps the important/group/business customer databases current.
    row = services.save_key_account(
        people["editor"], kind="group", name="遂宁市第一人民医院", account_no="G-001", service_note="集团专线，优先派单"
    )
    assert row.updated_by == people["editor"]
    services.save_key_account(people["editor"], kind="group", name="遂宁市第一人民医院", service_note="更新")
    assert KeyAccount.objects.count() == 1 and KeyAccount.objects.get().service_note == "更新"
    with pytest.raises(RuleViolation):
        services.save_key_account(people["editor"], kind="unknown", name="x")


def test_phrase_rules_are_editable_data(people):
    services.load_default_phrase_rules()
    assert services.check_text("我试试看吧")
    with pytest.raises(RuleViolation) as err:
        services.save_phrase_rule(code="try_see", category="discouraged", phrase="我试试看吧", pattern="(unclosed")
    assert err.value.problems[0].field == "pattern"
    services.save_phrase_rule(
        code="try_see", category="discouraged", phrase="我试试看吧", pattern="我试试看吧", enabled=False
    )
    assert services.check_text("我试试看吧") == []
    # Loading defaults again keeps the edit (idempotent).
    assert services.load_default_phrase_rules() == 0
    assert services.check_text("我试试看吧") == []


def test_standard_phrase_must_pass_the_checker(people):
    services.load_default_phrases()
    with pytest.raises(RuleViolation) as err:
        services.save_standard_phrase(code="bad", situation="closing", title="结束", text="有意见找领导去")
    assert err.value.problems[0].rule == "phrase_check"
    row = services.save_standard_phrase(
        code="close_weekend", situation="closing", title="周末告别", text="祝您周末愉快！再见！", seed_line="004:L1093"
    )
    assert row.pk


@pytest.mark.django_db
def test_editor_page_lists_the_latest_version(make_staff, client_for):
    """Regression: the editor list once took `versions.all|last`, which a queryset refuses (500)."""
    from kefu.knowledge import services as kb

    editor = make_staff("editor", staff_no="6001")
    article = kb.create_article(
        editor, title="宽带报障处理流程", body="客户报宽带断网时，先核实账号状态，再派发网络维护部处理。"
    ).article
    kb.revise_article(
        editor, article, title="宽带报障处理流程", body="客户报宽带断网时，先核实账号和端口状态，再派发网络维护部处理。"
    )
    res = client_for(editor).get("/knowledge/editor/")
    assert res.status_code == 200
    assert "宽带报障处理流程" in res.content.decode() and "版" in res.content.decode()


def test_unsafe_phrase_rule_is_refused_with_the_field_and_the_rule(people):
    # issue 12: an editor's pattern runs on every checked text; (x+x+)+y backtracks for seconds on 26 characters
    services.load_default_phrase_rules()
    with pytest.raises(RuleViolation) as err:
        services.save_phrase_rule(code="my_rule", category="forbidden", phrase="测试", pattern="(x+x+)+y")
    problem = err.value.problems[0]
    assert (problem.field, problem.rule) == ("pattern", "pattern_unsafe")
    assert "my_rule" in problem.message and "匹配模式" in problem.message
    with pytest.raises(RuleViolation) as err:
        services.save_phrase_rule(code="my_rule", category="forbidden", phrase="测试", pattern="测试", unless=r"(a)\1")
    assert err.value.problems[0].field == "unless"
    assert not PhraseRule.objects.filter(code="my_rule").exists()


def test_unsafe_rows_saved_before_validation_are_not_run(people):
    services.load_default_phrase_rules()
    PhraseRule.objects.create(code="legacy_bad", category="forbidden", phrase="x", pattern="(x+x+)+y")
    PhraseRule.objects.filter(code="ask_whom").update(pattern=r"你问我[,，]?\s*我(?:去)?问谁")  # the old seed pattern
    codes = {r.code for r in services.active_rules()}
    assert "legacy_bad" not in codes
    assert [h.code for h in services.check_text("你问我，我问谁？")] == ["ask_whom"]  # 004:L1179, default pattern
    assert services.check_text("x" * 5000) == []
