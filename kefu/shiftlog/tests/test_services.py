"""The handover diary's use cases: two signatures, carry-over, liability, lateness; bad input changes nothing."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from kefu.customers.models import Customer
from kefu.errors import RuleViolation
from kefu.shiftlog import selectors, services
from kefu.shiftlog.models import Handover, HandoverEvent, Issue, Item, Line
from kefu.shiftlog.rules import Flag

TZ = ZoneInfo("Asia/Shanghai")
D = datetime.now(TZ).date() - timedelta(days=1)  # diaries are written for recent shifts only (policy backfill_days)
D1 = D + timedelta(days=1)


def dt(day, hour, minute=0):
    return datetime.combine(day, time(hour, minute), TZ)


def snapshot():
    rows = lambda m: sorted(m.objects.values_list(*[f.attname for f in m._meta.concrete_fields]))  # noqa: E731
    return [rows(m) for m in (Handover, HandoverEvent, Item, Line, Issue, Customer)]


@pytest.fixture
def people(make_staff):
    return {
        "out": make_staff("agent", staff_no="2001"),
        "in": make_staff("agent", staff_no="2002"),
        "third": make_staff("agent", staff_no="2003"),
        "lead": make_staff("supervisor", staff_no="3001"),
    }


def start(staff, incoming="2002", day=D, shift="D", **kw):
    kw.setdefault("equipment_state", "话务系统正常")
    return services.start_handover(staff, shift_code=shift, shift_date=day, incoming_no=incoming, **kw)


def sign(staff, h, name, **kw):
    h.refresh_from_db()
    return services.transition(staff, h.pk, name=name, version=h.version, **kw)


@pytest.mark.django_db
def test_start_computes_shift_window_and_deadlines_from_policy(people):
    # hotline preset: 白班 08:00-17:00 of the shift calendar (003:L5), sign before going off duty (004:L663),
    # countersign within 30 min
    h = start(people["out"])
    assert h.shift_start == dt(D, 8)
    assert h.shift_end == dt(D, 17)
    assert h.sign_out_due == dt(D, 17)
    assert h.countersign_due == dt(D, 17, 30)
    assert (h.state, h.shift_name) == ("draft", "白班")


def _rostered(staff, day, code):
    """A published roster with `staff` on shift `code` on `day` (templates from the shift calendar)."""
    from kefu.roster.models import Assignment, Roster
    from kefu.roster.services import ensure_templates

    template = next(t for t in ensure_templates(staff.center) if t.code == code)
    roster = Roster.objects.create(center=staff.center, start=day, days=1, status=Roster.Status.PUBLISHED)
    Assignment.objects.create(roster=roster, staff=staff, day=day, shift=template, code=code)


@pytest.mark.django_db
def test_deadline_follows_the_rostered_shift(people):
    # issue 13: an agent rostered 常班 09:00-18:00 (003:L11) signs by 18:00, not by another shift's end
    _rostered(people["out"], D, "R")
    h = start(people["out"], shift="R")
    assert (h.shift_start, h.shift_end, h.sign_out_due, h.countersign_due) == (
        dt(D, 9),
        dt(D, 18),
        dt(D, 18),
        dt(D, 18, 30),
    )
    # an agent not on the roster that day keeps the calendar's hours of the shift written
    assert start(people["in"], incoming="2003").shift_end == dt(D, 17)


@pytest.mark.django_db
def test_the_form_guesses_the_rostered_shift(people):
    # at 17:05 the calendar's nearest end is 白班 17:00; an agent rostered 常班 09:00-18:00 is offered 常班
    assert (
        services.likely_shift(people["in"], dt(D, 17, 5))[0].code,
        services.likely_shift(people["in"], dt(D, 17, 5))[1],
    ) == ("D", D)
    _rostered(people["out"], D, "R")
    shift, day = services.likely_shift(people["out"], dt(D, 17, 5))
    assert (shift.code, day) == ("R", D)


@pytest.mark.django_db
def test_a_diary_for_another_shift_than_the_rostered_one_is_refused(people):
    _rostered(people["out"], D, "R")
    before = snapshot()
    with pytest.raises(RuleViolation) as exc:
        start(people["out"], shift="D")
    problem = exc.value.problems[0]
    assert (problem.field, problem.rule) == ("shift_code", "shiftlog.not_rostered_shift")
    assert "常班（09:00–18:00）" in str(problem.message)
    with translation.override("en"):
        assert "rostered on the Office hours (09:00–18:00)" in str(problem.message)
    assert snapshot() == before


@pytest.mark.django_db
def test_ecommerce_night_shift_ends_next_day_003_L8(people, center):
    from kefu.org.services import update_policy

    update_policy(center, preset="ecommerce", overrides={})
    h = start(people["out"], shift="N")
    assert h.shift_end == dt(D1, 1)
    assert h.sign_out_due == dt(D1, 1, 30)  # 003:L14 night shift may run on


@pytest.mark.django_db
def test_two_signatures_with_time_and_staff_number_004_L663(people):
    h = start(people["out"])
    services.add_item(people["out"], h.pk, kind="urgent", text="宽带故障用户待确认修复")
    t1 = dt(D, 16, 50)
    t2 = dt(D, 17, 5)
    sign(people["out"], h, "sign_out", now=t1)
    sign(people["in"], h, "countersign", now=t2)
    h.refresh_from_db()
    assert (h.state, h.signed_out_at, h.signed_out_no, h.countersigned_at, h.countersigned_no) == (
        "countersigned",
        t1,
        "2001",
        t2,
        "2002",
    )
    assert selectors.flags_of(h, t2 + timedelta(days=1)) == []
    assert [e.label for e in h.events.all()] == ["创建", "登记事项：紧急待办", "交班签字", "接班签字确认"]


@pytest.mark.django_db
def test_only_the_outgoing_signs_out_and_only_the_incoming_countersigns(people):
    h = start(people["out"])
    services.add_item(people["out"], h.pk, kind="other", text="注意新资费公告")
    for who in ("in", "lead"):
        with pytest.raises(RuleViolation) as exc:
            sign(people[who], h, "sign_out")
        assert exc.value.status == 403
    sign(people["out"], h, "sign_out")
    for who in ("out", "third"):
        before = snapshot()
        with pytest.raises(RuleViolation) as exc:
            sign(people[who], h, "countersign")
        assert exc.value.status == 403 and exc.value.problems[0].rule == "workflow.not_your_party"
        assert snapshot() == before


@pytest.mark.django_db
def test_sign_out_needs_incoming_equipment_and_content(people):
    # 002:L65 接班人未到机台,交班人不得离台; 002:L67 交接日志要对设备情况记录清楚
    h = services.start_handover(people["out"], shift_code="D", shift_date=D)
    before = snapshot()
    with pytest.raises(RuleViolation) as exc:
        sign(people["out"], h, "sign_out")
    assert {p.rule for p in exc.value.problems} == {"incoming_required", "equipment_required", "empty"}
    said = {p.rule: p.message for p in exc.value.problems}  # each names what to fill in, without a seed reference
    assert (
        "接班人工号" in said["incoming_required"]
        and "设备" in said["equipment_required"]
        and "交接事项" in said["empty"]
    )
    assert not any(":L" in m for m in said.values())
    assert snapshot() == before


@pytest.mark.django_db
def test_problem_during_handover_must_reach_a_stopping_point_first_004_L667(people):
    h = start(people["out"])
    item = services.add_item(
        people["out"], h.pk, kind="incident", text="交接时来电用户投诉未处理完", during_handover=True
    )
    before = snapshot()
    with pytest.raises(RuleViolation) as exc:
        sign(people["out"], h, "sign_out")
    assert (
        exc.value.problems[0].rule == "handover_problem_open" and "告一段落" in exc.value.problems[0].message
    )  # 004:L667
    assert snapshot() == before
    services.close_item(people["out"], item.pk, note="已安抚用户并登记工单")
    sign(people["out"], h, "sign_out")


@pytest.mark.django_db
def test_open_items_carry_over_until_closed(people):
    h1 = start(people["out"])
    kept = services.add_item(people["out"], h1.pk, kind="order", text="投诉单待部门回复", order_ref="TS20260302001")
    done = services.add_item(people["out"], h1.pk, kind="equipment", text="5号机台耳机杂音")
    sign(people["out"], h1, "sign_out")
    sign(people["in"], h1, "countersign")
    assert set(Item.objects.filter(holder=people["in"]).values_list("pk", flat=True)) == {kept.pk, done.pk}
    services.close_item(people["in"], done.pk, note="已更换耳机")
    # next shift: the incoming one now hands over to the third; the open item is carried in automatically
    h2 = start(people["in"], incoming="2003", shift="N")
    lines = list(h2.lines.select_related("item"))
    assert [(line.item_id, line.carried) for line in lines] == [(kept.pk, True)]
    done.refresh_from_db()
    assert (done.closed_by.staff_no, done.close_note) == ("2002", "已更换耳机")
    sign(people["in"], h2, "sign_out")
    sign(people["third"], h2, "countersign")
    kept.refresh_from_db()
    assert kept.holder == people["third"] and kept.closed_at is None


@pytest.mark.django_db
def test_items_received_after_opening_a_draft_join_it(people):
    draft = start(people["in"], incoming="2003", shift="N")
    h1 = start(people["out"])
    item = services.add_item(people["out"], h1.pk, kind="urgent", text="大客户停机待复机")
    sign(people["out"], h1, "sign_out")
    sign(people["in"], h1, "countersign")
    assert list(draft.lines.values_list("item_id", "carried")) == [(item.pk, True)]


@pytest.mark.django_db
def test_return_sends_the_diary_back_with_a_reason_004_L661(people):
    h = start(people["out"])
    services.add_item(people["out"], h.pk, kind="other", text="见公告")
    sign(people["out"], h, "sign_out")
    before = snapshot()
    with pytest.raises(RuleViolation) as exc:
        sign(people["in"], h, "return", reason="  ")
    assert exc.value.problems[0].field == "reason" and snapshot() == before
    sign(people["in"], h, "return", reason="未写明哪张工单待回复")
    h.refresh_from_db()
    assert (h.state, h.signed_out_at, h.return_reason) == ("draft", None, "未写明哪张工单待回复")
    services.add_item(people["out"], h.pk, kind="order", text="补充：待回复工单", order_ref="TS001")


@pytest.mark.django_db
def test_signed_diary_cannot_be_edited(people):
    h = start(people["out"])
    services.add_item(people["out"], h.pk, kind="other", text="x")
    sign(people["out"], h, "sign_out")
    before = snapshot()
    with pytest.raises(RuleViolation) as exc:
        services.add_item(people["out"], h.pk, kind="other", text="后补")
    assert exc.value.status == 409 and snapshot() == before


@pytest.mark.django_db
def test_stale_version_is_a_conflict(people):
    h = start(people["out"])
    services.update_handover(people["out"], h.pk, version=h.version, notes="新资费下月生效")
    before = snapshot()
    with pytest.raises(RuleViolation) as exc:
        services.update_handover(people["out"], h.pk, version=h.version, notes="覆盖")
    assert exc.value.status == 409 and exc.value.problems[0].field == "version" and snapshot() == before


@pytest.mark.parametrize(
    "kwargs, field, rule",
    [
        ({"shift_code": "nope"}, "shift_code", "choice"),
        ({"incoming_no": "9999"}, "incoming_no", "not_found"),
        ({"incoming_no": "2001"}, "incoming_no", "self_handover"),
        ({"notes": "请回电13812345678"}, "notes", "phone_in_text"),
        ({"notes": "a\x00b"}, "notes", "control_char"),
        ({"shift_date": datetime.now(TZ).date() + timedelta(days=2)}, "shift_date", "date_range"),
        ({"shift_date": datetime.now(TZ).date() - timedelta(days=40)}, "shift_date", "date_range"),
    ],
)
@pytest.mark.django_db
def test_bad_start_input_changes_nothing(people, kwargs, field, rule):
    args = {"shift_code": "D", "shift_date": D, "incoming_no": "2002", **kwargs}
    before = snapshot()
    with pytest.raises(RuleViolation) as exc:
        services.start_handover(people["out"], **args)
    assert (exc.value.problems[0].field, exc.value.problems[0].rule) == (field, rule)
    assert snapshot() == before


@pytest.mark.parametrize(
    "kwargs, field, rule",
    [
        ({"kind": "bogus", "text": "x"}, "kind", "choice"),
        ({"kind": "other", "text": " "}, "text", "required"),
        ({"kind": "order", "text": "工单"}, "order_ref", "order_required"),
        ({"kind": "callback", "text": "回电"}, "customer_phone", "customer_required"),
        ({"kind": "callback", "text": "回电", "customer_phone": "13812345678"}, "due_at", "due_required"),
        ({"kind": "prospect", "text": "意向客户", "customer_phone": "123"}, "phone", "phone_format"),
        ({"kind": "other", "text": "x", "order_id": -3}, "order_id", "positive"),
        ({"kind": "other", "text": "x", "order_id": 2**63}, "order_id", "positive"),
        ({"kind": "other", "text": "x", "order_ref": "a\x00"}, "order_ref", "control_char"),
        ({"kind": "other", "text": "x", "due_at": datetime(1, 1, 2, tzinfo=TZ)}, "due_at", "datetime_range"),
    ],
)
@pytest.mark.django_db
def test_bad_item_input_changes_nothing(people, kwargs, field, rule):
    h = start(people["out"])
    before = snapshot()
    with pytest.raises(RuleViolation) as exc:
        services.add_item(people["out"], h.pk, **kwargs)
    assert (exc.value.problems[0].field, exc.value.problems[0].rule) == (field, rule)
    assert snapshot() == before


@pytest.mark.django_db
def test_callback_item_keeps_the_customer_encrypted(people):
    h = start(people["out"])
    due = dt(D, 21)
    item = services.add_item(
        people["out"],
        h.pk,
        kind="callback",
        text="查询话费退还结果后回电",
        customer_phone="138 1234 5678",
        customer_name="张三",
        due_at=due,
    )
    assert item.customer.phone == "13812345678" and item.due_at == due


@pytest.mark.django_db
def test_close_item_only_by_holder_or_lead(people):
    h = start(people["out"])
    item = services.add_item(people["out"], h.pk, kind="other", text="x")
    before = snapshot()
    with pytest.raises(RuleViolation) as exc:
        services.close_item(people["third"], item.pk, note="无关人员")
    assert exc.value.status == 403 and snapshot() == before
    services.close_item(people["lead"], item.pk, note="值班长已处理")
    with pytest.raises(RuleViolation) as exc:
        services.close_item(people["out"], item.pk, note="再次关闭")
    assert exc.value.problems[0].rule == "closed"


def _countersigned(people):
    h = start(people["out"])
    services.add_item(people["out"], h.pk, kind="other", text="x")
    sign(people["out"], h, "sign_out")
    sign(people["in"], h, "countersign")
    return h


@pytest.mark.django_db
def test_omission_is_the_outgoing_sides_mis_receipt_the_incoming_sides_004_L669(people):
    h = _countersigned(people)
    omission = services.report_issue(people["in"], h.pk, kind="omission", description="未交代3号工单已超时")
    wrong = services.report_issue(people["lead"], h.pk, kind="wrong_handover", description="交代的回电时间有误")
    misreceipt = services.report_issue(people["lead"], h.pk, kind="mis_receipt", description="接班人漏看回电事项")
    assert (omission.side, omission.responsible.staff_no) == ("outgoing", "2001")
    assert (wrong.side, wrong.responsible.staff_no) == ("outgoing", "2001")
    assert (misreceipt.side, misreceipt.responsible.staff_no) == ("incoming", "2002")


@pytest.mark.django_db
def test_mis_receipt_needs_a_countersigned_handover(people):
    h = start(people["out"])
    services.add_item(people["out"], h.pk, kind="other", text="x")
    before = snapshot()
    with pytest.raises(RuleViolation):
        services.report_issue(people["lead"], h.pk, kind="omission", description="x")  # draft: nothing signed yet
    sign(people["out"], h, "sign_out")
    with pytest.raises(RuleViolation) as exc:
        services.report_issue(people["lead"], h.pk, kind="mis_receipt", description="x")
    assert exc.value.problems[0].field == "kind"
    assert Issue.objects.count() == 0 and len(snapshot()[0]) == len(before[0])


@pytest.mark.django_db
def test_dispute_and_decision(people):
    h = _countersigned(people)
    issue = services.report_issue(people["in"], h.pk, kind="omission", description="未交代工单超时")
    with pytest.raises(RuleViolation) as exc:
        services.dispute_issue(people["in"], issue.pk, reason="不是我")  # not the responsible one
    assert exc.value.status == 403
    services.dispute_issue(people["out"], issue.pk, reason="日志第2项已写明")
    with pytest.raises(RuleViolation) as exc:
        services.decide_issue(people["in"], issue.pk, upheld=False, note="x")
    assert exc.value.status == 403
    decided = services.decide_issue(people["lead"], issue.pk, upheld=False, note="日志已写明，不予认定")
    assert (decided.status, decided.decided_by.staff_no) == ("dismissed", "3001")
    with pytest.raises(RuleViolation) as exc:
        services.decide_issue(people["lead"], issue.pk, upheld=True, note="改判")
    assert exc.value.status == 409


@pytest.mark.django_db
def test_supervisor_sees_unsigned_and_late_handovers(people):
    end = dt(D, 17)
    unsigned = start(people["out"])
    late = start(people["third"], incoming="2002")
    services.add_item(people["third"], late.pk, kind="other", text="x")
    sign(people["third"], late, "sign_out", now=end + timedelta(minutes=5))
    sign(people["in"], late, "countersign", now=end + timedelta(minutes=10))
    ontime = start(people["in"], incoming="2003")
    services.add_item(people["in"], ontime.pk, kind="other", text="x")
    sign(people["in"], ontime, "sign_out", now=end - timedelta(minutes=5))
    sign(people["third"], ontime, "countersign", now=end + timedelta(minutes=30))
    rows = selectors.late_or_unsigned(people["lead"].center, now=end + timedelta(hours=1), days=30)
    got = {h.pk: flags for h, flags in rows}
    assert got == {unsigned.pk: [Flag.UNSIGNED, Flag.NOT_COUNTERSIGNED], late.pk: [Flag.SIGNED_LATE]}
    # before the deadline the unsigned one is not shown yet
    early = selectors.late_or_unsigned(people["lead"].center, now=end - timedelta(minutes=1), days=30)
    assert unsigned.pk not in {h.pk for h, _ in early}


def _ticket(actor):
    from kefu.tickets import services as tickets

    return tickets.create_order(
        actor.center,
        actor,
        {
            "kind": "complaint",
            "phone": "13800138000",
            "subject": "话费多扣",
            "description": "本月多扣50元",
            "category": "tariff",
            "level": 2,
        },
    )


@pytest.mark.django_db
def test_order_items_link_to_the_tickets_app_by_number_or_id(people):
    order = _ticket(people["out"])
    h = start(people["out"])
    by_number = services.add_item(people["out"], h.pk, kind="order", text="待部门回复", order_ref=order.number)
    by_id = services.add_item(people["out"], h.pk, kind="order", text="待部门回复", order_id=order.pk)
    unknown = services.add_item(people["out"], h.pk, kind="order", text="外系统单号", order_ref="EXT-001")
    assert (by_number.order_id, by_id.order_ref, unknown.order_id) == (order.pk, order.number, None)
    before = snapshot()
    for kwargs, field, rule in (
        ({"order_id": order.pk + 1000}, "order_id", "not_found"),
        ({"order_id": order.pk, "order_ref": "GD-other"}, "order_ref", "mismatch"),
    ):
        with pytest.raises(RuleViolation) as exc:
            services.add_item(people["out"], h.pk, kind="order", text="x", **kwargs)
        assert (exc.value.problems[0].field, exc.value.problems[0].rule) == (field, rule)
    assert snapshot() == before
