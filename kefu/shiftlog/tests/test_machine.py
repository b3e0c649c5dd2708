"""The handover diary and its liability records on the workflow kernel (kefu/shiftlog/machine.py): what is declared,
who may fire what, the version, the history stored as codes, the audit record, and the rows stored before the codes."""

import importlib
from datetime import datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from kefu.errors import RuleViolation
from kefu.org.roles import LEADS, Role
from kefu.shiftlog import services
from kefu.shiftlog.machine import HANDOVER, ISSUE, IssueState, State
from kefu.shiftlog.models import Handover, HandoverEvent
from kefu.workflow import Party, available

TZ = ZoneInfo("Asia/Shanghai")
D = datetime.now(TZ).date() - timedelta(days=1)


def _scope(pk, *roles):
    return SimpleNamespace(staff=SimpleNamespace(pk=pk), roles=frozenset(roles))


def test_handover_declares_two_signatures_and_return_004_L663():
    assert [(t.name, set(t.src), t.dst, set(t.parties), t.requires) for t in HANDOVER.transitions] == [
        ("sign_out", {State.DRAFT}, State.SIGNED_OUT, {Party.SUBJECT}, ()),
        ("countersign", {State.SIGNED_OUT}, State.COUNTERSIGNED, {Party.OWNER}, ()),
        ("return", {State.SIGNED_OUT}, State.DRAFT, {Party.OWNER}, ("reason",)),  # 004:L661
    ]
    signed = SimpleNamespace(state=State.SIGNED_OUT, outgoing_id=1, incoming_id=2)
    assert [t.name for t in available(HANDOVER, _scope(2, Role.AGENT), signed)] == ["countersign", "return"]
    assert available(HANDOVER, _scope(1, Role.AGENT), signed) == []
    assert available(HANDOVER, _scope(3, Role.SUPERVISOR), signed) == []  # a lead signs nobody's diary
    done = SimpleNamespace(state=State.COUNTERSIGNED, outgoing_id=1, incoming_id=2)
    assert available(HANDOVER, _scope(2, Role.AGENT), done) == []


def test_liability_records_machine_004_L669():
    by_name = {t.name: t for t in ISSUE.transitions}
    assert (set(by_name["dispute"].src), by_name["dispute"].parties) == ({IssueState.OPEN}, {Party.SUBJECT})
    for name, dst in (("uphold", IssueState.UPHELD), ("dismiss", IssueState.DISMISSED)):
        t = by_name[name]
        assert (set(t.src), t.dst, t.roles, t.parties) == (
            {IssueState.OPEN, IssueState.DISPUTED},
            dst,
            LEADS,
            {Party.OWNER},
        )
    issue = SimpleNamespace(status=IssueState.DISPUTED, responsible_id=1)
    assert available(ISSUE, _scope(1, Role.SUPERVISOR), issue) == []  # nobody rules on their own liability
    assert [t.name for t in available(ISSUE, _scope(2, Role.SUPERVISOR), issue)] == ["uphold", "dismiss"]
    assert available(ISSUE, _scope(2, Role.AGENT), issue) == []


def test_labels_are_declared():
    from kefu.messages import catalogue
    from kefu.workflow import check_declared

    assert check_declared([HANDOVER, ISSUE], catalogue()) == []


@pytest.fixture
def people(make_staff):
    return {
        "out": make_staff("agent", staff_no="2001"),
        "in": make_staff("agent", staff_no="2002"),
        "lead": make_staff("supervisor", staff_no="3001"),
    }


def _signed(people):
    h = services.start_handover(
        people["out"],
        shift_code="D",
        shift_date=D,
        incoming_no="2002",
        equipment_state="话务系统正常",
        notes="注意新资费公告",
    )
    return services.transition(people["out"], h.pk, name="sign_out", version=h.version)


@pytest.mark.django_db
def test_stale_version_and_missing_reason_change_nothing(people):
    h = _signed(people)
    with pytest.raises(RuleViolation) as exc:
        services.transition(people["in"], h.pk, name="countersign", version=h.version - 1)
    assert exc.value.status == 409 and exc.value.problems[0].field == "version"
    with pytest.raises(RuleViolation) as exc:
        services.transition(people["in"], h.pk, name="return", version=h.version, reason="  ")
    assert exc.value.status == 400 and exc.value.problems[0].field == "reason"
    with pytest.raises(RuleViolation) as exc:  # a customer's phone belongs in the encrypted field, not in free text
        services.transition(people["in"], h.pk, name="return", version=h.version, reason="请回电13800138000")
    assert exc.value.problems[0].field == "reason" and "客户电话" in str(exc.value)
    with pytest.raises(RuleViolation) as exc:
        services.transition(people["in"], h.pk, name="no_such_step", version=h.version)
    assert exc.value.problems[0].rule == "workflow.unknown_transition"
    assert Handover.objects.get(pk=h.pk).state == State.SIGNED_OUT
    assert HandoverEvent.objects.filter(handover=h).count() == 2  # created, signed out


@pytest.mark.django_db
def test_refused_caller_is_told_who_may_act(people):
    h = _signed(people)
    with pytest.raises(RuleViolation) as exc:
        services.transition(people["lead"], h.pk, name="countersign", version=h.version)
    assert exc.value.status == 403 and str(exc.value) == "接班签字确认：只有接班人本人可以执行此操作"
    with translation.override("en"):
        assert "the incoming person" in str(exc.value)


@pytest.mark.django_db
def test_history_as_codes_and_an_audit_record_for_each_step(people):
    from kefu.audit.models import AuditRecord

    h = _signed(people)
    h = services.transition(people["in"], h.pk, name="return", version=h.version, reason="未写明工单编号")
    assert (h.state, h.return_reason, h.signed_out_at) == (State.DRAFT, "未写明工单编号", None)
    rows = list(h.events.values_list("code", "note", "staff_no"))
    assert rows[-2:] == [
        ("shiftlog.handover.transition.sign_out", "", "2001"),
        ("shiftlog.handover.transition.return", "未写明工单编号", "2002"),
    ]
    with translation.override("en"):
        assert [e.label for e in h.events.all()][-1] == "Return for completion"
    notes = list(
        AuditRecord.objects.filter(object_type="shiftlog.handover").order_by("id").values_list("note", flat=True)
    )
    assert notes == ["shiftlog.handover.sign_out", "shiftlog.handover.return"]


@pytest.mark.django_db
def test_a_lead_does_not_rule_on_their_own_liability(people, make_staff):
    lead_out = make_staff("team_lead", staff_no="3002")
    h = services.start_handover(lead_out, shift_code="D", shift_date=D, incoming_no="2002", equipment_state="正常")
    h = services.transition(lead_out, h.pk, name="sign_out", version=h.version)
    issue = services.report_issue(people["in"], h.pk, kind="omission", description="未交代工单超时")
    with pytest.raises(RuleViolation) as exc:
        services.decide_issue(lead_out, issue.pk, upheld=False, note="不成立")
    assert exc.value.status == 403 and "责任人以外" in str(exc.value)
    with pytest.raises(RuleViolation) as exc:  # a ruling drawn from an older page is refused
        services.decide_issue(people["lead"], issue.pk, upheld=True, note="日志确未写明", version=issue.version + 1)
    assert exc.value.status == 409
    decided = services.decide_issue(people["lead"], issue.pk, upheld=True, note="日志确未写明", version=issue.version)
    assert (decided.status, decided.decision_note) == ("upheld", "日志确未写明")
    assert h.events.last().code == "shiftlog.issue.transition.uphold"


@pytest.mark.django_db
def test_rows_stored_as_chinese_prose_become_codes(people):
    from django.apps import apps

    migration = importlib.import_module("kefu.shiftlog.migrations.0002_handover_history_as_codes")
    h = services.start_handover(people["out"], shift_code="D", shift_date=D, incoming_no="2002", equipment_state="正常")
    HandoverEvent.objects.filter(handover=h).delete()
    old = [
        ("创建", "带入未结事项 3 项"),
        ("登记事项", "待回电：回电告知进度"),
        ("关闭事项", "宽带故障：已修复"),
        ("交班签字", ""),
        ("登记漏交", "未交代工单"),
        ("责任认定：不予认定", "日志已写明"),
        ("自定义", "x"),
    ]
    for name, note in old:
        HandoverEvent.objects.create(handover=h, staff_no="2001", name=name, note=note)
    migration.to_codes(apps, None)
    rows = [(e.code, e.params, e.note, e.name) for e in h.events.all()]
    assert rows == [
        ("shiftlog.event.created_carried", {"count": 3}, "", ""),
        (
            "shiftlog.event.item_added",
            {"kind": {"code": "shiftlog.item.kind.callback", "params": {}}},
            "回电告知进度",
            "",
        ),
        ("shiftlog.event.item_closed", {"item": "宽带故障"}, "已修复", ""),
        ("shiftlog.handover.transition.sign_out", {}, "", ""),
        (
            "shiftlog.event.issue_reported",
            {"kind": {"code": "shiftlog.issue.kind.omission", "params": {}}},
            "未交代工单",
            "",
        ),
        ("shiftlog.issue.transition.dismiss", {}, "日志已写明", ""),
        ("", {}, "x", "自定义"),  # not the service's wording: left as written
    ]
    with translation.override("en"):
        assert [e.label for e in h.events.all()][:2] == [
            "Created (3 open items carried over)",
            "Item recorded: Callback due",
        ]
    migration.to_names(apps, None)
    assert list(h.events.values_list("name", "note"))[:3] == [
        ("创建", "带入未结事项 3 项"),
        ("登记事项", "待回电：回电告知进度"),
        ("关闭事项", "宽带故障：已修复"),
    ]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_return_and_ruling_in_the_browser_004_L661_L669(make_staff, page, login, screenshot):
    out, inc = make_staff("agent", staff_no="1201"), make_staff("agent", staff_no="1202")
    lead = make_staff("supervisor", staff_no="1901")
    h = services.start_handover(
        out, shift_code="D", shift_date=D, incoming_no="1202", equipment_state="话务系统正常", notes="注意新资费公告"
    )
    services.transition(out, h.pk, name="sign_out", version=h.version)
    login(inc)
    page.goto(f"{page.base_url}/shiftlog/h/{h.pk}/")
    page.fill("#actions input[name=reason]", "未写明宽带工单的编号")
    page.click("#actions button:has-text('退回补充')")
    assert "草稿" in page.inner_text("#state")
    assert "退回补充" in page.inner_text(".timeline") and "未写明宽带工单的编号" in page.inner_text(".timeline")
    page.context.clear_cookies()
    h.refresh_from_db()
    h = services.transition(out, h.pk, name="sign_out", version=h.version)
    services.report_issue(inc, h.pk, kind="omission", description="新资费生效日期未交代")
    login(out)  # the liable person may object, not rule
    page.goto(f"{page.base_url}/shiftlog/h/{h.pk}/")
    assert page.locator("#issues button:has-text('提出异议')").count() == 1
    assert page.locator("#issues button:has-text('责任成立')").count() == 0
    page.context.clear_cookies()
    login(lead)
    page.goto(f"{page.base_url}/shiftlog/h/{h.pk}/")
    page.fill("#issues input[name=note]", "日志已写明公告，不予认定")
    page.click("#issues button:has-text('不予认定')")
    assert "不予认定" in page.inner_text("#issues") and "责任认定：不予认定" in page.inner_text(".timeline")
    for width in (1440, 390):
        page.set_viewport_size({"width": width, "height": 900})
        screenshot(f"shiftlog-ruled-{width}")
