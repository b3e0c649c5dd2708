"""Outbound campaigns (外呼活动): a call list (a selection of customers, or an uploaded Excel/CSV list, all-or-nothing
and idempotent), a questionnaire as data, attempts and results per customer on the workflow kernel (the same
outcome codes as callback tasks), progress and a periodic report, and retention offers shown only to the agents
authorised for them (one of the campaign's roles, or a per-agent grant).

    open --attempt--> open        the holder records a try (outcome code, note)
    open --complete--> done       the customer answered the questionnaire (and maybe took the offer)
    open --close--> closed        wrong number, refused, or unreachable after the policy's failed attempts (002:L259)

An agent works the list one customer at a time: `take_next` gives back what they held and hands them the next
customer (fewest attempts first); the holder is the only one who may record on that customer.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone

from kefu.errors import NotAllowed, Problem, RuleViolation
from kefu.followup import campaign_rules as cr
from kefu.followup import rules
from kefu.followup.models import Campaign, CampaignAttempt, CampaignImport, CampaignTarget, OptOut
from kefu.messages import Msg
from kefu.org.policy import policy_for
from kefu.org.roles import Role
from kefu.workflow import Context, FieldSpec, Machine, Party, Transition
from kefu.workflow import fire as kernel_fire

OPEN, DONE, CLOSED = "open", "done", "closed"
FRONT = {Role.AGENT, Role.SENIOR_AGENT, Role.TEAM_LEAD, Role.SUPERVISOR, Role.DISPATCHER}
LEADS = {Role.TEAM_LEAD, Role.SUPERVISOR, Role.MANAGER}
OFFER_ROLE_CHOICES = (Role.AGENT, Role.SENIOR_AGENT, Role.TEAM_LEAD, Role.SUPERVISOR)
NAME_MAX, PURPOSE_MAX, OFFER_MAX = 60, 300, 500
UPLOAD_MAX_BYTES = 5 * 1024 * 1024


def problem(issue: cr.Issue) -> Problem:
    params = dict(issue.params)
    return Problem(issue.field, issue.code, Msg(issue.code, **params))


# ---------------------------------------------------------------- the machine


def _parse_answers(target, value, now):
    if not isinstance(value, dict):
        return Msg("followup.campaign.answer.not_data")
    clean, issues = cr.check_answers(target.campaign.questionnaire, value)
    if issues:
        raise RuleViolation.many([problem(i) for i in issues])
    return clean


FIELDS = {
    "outcome": FieldSpec("followup.field.outcome", kind="choice", choices=rules.OUTCOMES),
    "note": FieldSpec("followup.field.note", max_length=500),
    "answers": FieldSpec("followup.campaign.field.answers", kind="any", parse=_parse_answers),
    "offer": FieldSpec("followup.campaign.field.offer", kind="choice", choices=("accepted", "declined")),
    "closure": FieldSpec("followup.field.closure", kind="choice", choices=rules.CLOSURES),
}


def _attempt(ctx: Context) -> None:
    outcome = ctx.fields.get("outcome", rules.REACHED)
    CampaignAttempt.objects.create(
        target=ctx.obj, at=ctx.now, by=ctx.scope.staff, outcome=outcome, note=ctx.fields.get("note", "")
    )
    ctx.obj.attempt_count += 1
    if outcome == rules.REACHED and ctx.obj.reached_at is None:
        ctx.obj.reached_at = ctx.now


def _running(target, now):
    if target.campaign.state != Campaign.State.RUNNING:
        return Msg("followup.campaign.not_running", name=target.campaign.name)
    return None


def _offer_guard(ctx: Context):
    if "offer" in ctx.fields and not may_see_offer(ctx.scope, ctx.obj.campaign):
        return Problem.of("followup.campaign.offer.not_allowed", field="offer")
    return None


def _complete(ctx: Context) -> None:
    ctx.fields.setdefault("outcome", rules.REACHED)
    _attempt(ctx)
    ctx.obj.answers = ctx.fields["answers"]
    ctx.obj.result = ctx.fields.get("note", "")
    if "offer" in ctx.fields:
        ctx.obj.offer_accepted = ctx.fields["offer"] == "accepted"
    ctx.obj.closed_at, ctx.obj.closure, ctx.obj.holder = ctx.now, "done", None


def _may_close(ctx: Context):
    outcomes = list(ctx.obj.attempts.values_list("outcome", flat=True))
    limit = policy_for("followup", ctx.obj.center)["max_failed_attempts"]
    if ctx.fields["closure"] not in rules.closable(outcomes, limit):
        failed = sum(1 for o in outcomes if o in rules.FAILED)
        return Msg(
            "followup.close.not_yet",
            closure=Msg(f"followup.closure.{ctx.fields['closure']}"),
            failed=failed,
            limit=limit,
        )
    return None


def _close(ctx: Context) -> None:
    ctx.obj.closed_at, ctx.obj.closure, ctx.obj.holder = ctx.now, ctx.fields["closure"], None
    ctx.obj.result = ctx.fields.get("note", "")


def _parties(scope, target) -> set[Party]:
    return {Party.OWNER} if target.holder_id and target.holder_id == getattr(scope.staff, "pk", None) else set()


def _load(scope, target):
    return (
        CampaignTarget.objects.select_for_update()
        .select_related("campaign", "center")
        .filter(pk=target.pk, center=scope.center)
        .first()
    )


MACHINE = Machine(
    "followup.call",
    transitions=(
        Transition(
            "attempt",
            src={OPEN},
            dst=OPEN,
            roles=FRONT,
            parties={Party.OWNER},
            requires=("outcome",),
            allows=("note",),
            precondition=_running,
            effect=_attempt,
            seed="002:L259",
        ),
        Transition(
            "complete",
            src={OPEN},
            dst=DONE,
            roles=FRONT,
            parties={Party.OWNER},
            requires=("answers",),
            allows=("note", "offer"),
            precondition=_running,
            guard=_offer_guard,
            effect=_complete,
        ),
        Transition(
            "close",
            src={OPEN},
            dst=CLOSED,
            roles=FRONT,
            parties={Party.OWNER},
            requires=("closure",),
            allows=("note",),
            precondition=_running,
            guard=_may_close,
            effect=_close,
            seed="002:L259",
        ),
    ),
    fields=FIELDS,
    party_of=_parties,
    load=_load,
    noun="followup.what.call",
    audit_type="followup.call",
)


# ---------------------------------------------------------------- who sees the offer


def may_see_offer(scope, campaign: Campaign) -> bool:
    """A retention offer reaches only a holder of one of the campaign's offer roles or an agent granted it."""
    if not campaign.offer_text:
        return False
    granted = campaign.offer_staff.filter(pk=getattr(scope.staff, "pk", None)).exists()
    return cr.may_see_offer(scope.roles, campaign.offer_roles, granted)


# ---------------------------------------------------------------- campaigns


def get(scope, campaign_id: int) -> Campaign:
    return scope.get(Campaign.objects.all(), str(Msg("followup.what.campaign")), pk=campaign_id)


def create(scope, data: dict, now: datetime | None = None) -> Campaign:
    """A campaign: name (unique in the center), purpose, questionnaire (a list of {text, scale}, or the page's
    text, one question a line), an optional retention offer and the roles that may see it."""
    now = now or timezone.now()
    issues: list[Problem] = []
    name = str(data.get("name") or "").strip()
    if not name or len(name) > NAME_MAX:
        issues.append(Problem.of("followup.campaign.name", field="name", max=NAME_MAX))
    elif Campaign.objects.filter(center=scope.center, name=name).exists():
        issues.append(Problem.of("followup.campaign.name_taken", field="name", name=name))
    purpose = str(data.get("purpose") or "").strip()
    if len(purpose) > PURPOSE_MAX:
        issues.append(
            Problem.of(
                "common.too_long",
                field="purpose",
                field_label=Msg("followup.campaign.field.purpose"),
                max=PURPOSE_MAX,
                length=len(purpose),
            )
        )
    questions = data.get("questionnaire")
    if isinstance(questions, str):
        questions = cr.parse_questionnaire_text(questions)
    questions, found = cr.check_questionnaire(questions)
    issues += [problem(i) for i in found]
    offer = str(data.get("offer_text") or "").strip()
    if len(offer) > OFFER_MAX:
        issues.append(
            Problem.of(
                "common.too_long",
                field="offer_text",
                field_label=Msg("followup.campaign.field.offer"),
                max=OFFER_MAX,
                length=len(offer),
            )
        )
    roles = [str(r) for r in (data.get("offer_roles") or [])]
    bad = [r for r in roles if r not in {str(x) for x in OFFER_ROLE_CHOICES}]
    if bad:
        issues.append(Problem.of("followup.campaign.offer_roles", field="offer_roles", value="、".join(bad)[:40]))
    if issues:
        raise RuleViolation.many(issues)
    try:
        with transaction.atomic():
            return Campaign.objects.create(
                center=scope.center,
                name=name,
                purpose=purpose,
                questionnaire=questions,
                offer_text=offer,
                offer_roles=sorted(set(roles)),
                created_by=scope.staff,
                created_at=now,
            )
    except IntegrityError as exc:
        raise RuleViolation.of("followup.campaign.name_taken", field="name", name=name) from exc


def end(scope, campaign_id: int) -> Campaign:
    campaign = get(scope, campaign_id)
    Campaign.objects.filter(pk=campaign.pk).update(state=Campaign.State.ENDED)
    campaign.refresh_from_db()
    return campaign


def grant_offer(scope, campaign_id: int, staff_no: str, granted: bool = True) -> Campaign:
    """A per-agent grant (or its withdrawal) of the campaign's retention offer."""
    from kefu.org.models import Staff

    campaign = get(scope, campaign_id)
    staff_no = str(staff_no or "").strip()
    staff = Staff.objects.filter(center=scope.center, staff_no=staff_no, is_active=True).first()
    if staff is None:
        raise RuleViolation.of("followup.owner.unknown", field="staff_no", staff_no=staff_no[:20])
    (campaign.offer_staff.add if granted else campaign.offer_staff.remove)(staff)
    from kefu.audit.models import AuditRecord
    from kefu.audit.services import record

    record(
        scope.request,
        AuditRecord.Action.WRITE,
        object_type="followup.campaign",
        ids=[campaign.pk],
        fields="offer_staff",
        note=f"{'授权' if granted else '撤销'}挽留优惠 {staff.staff_no}",
        user=scope.user,
    )
    return campaign


# ---------------------------------------------------------------- the call list


@dataclass
class Added:
    added: int = 0
    already: int = 0
    rows: int = 0
    repeated_file: bool = False
    opted_out: int = 0  # customers left out because they refused follow-up contact


def add_customers(campaign: Campaign, customers, source: str, now: datetime, notes: dict | None = None) -> Added:
    """Customers onto the call list, each once (used by the selection, the upload and the demo)."""
    from kefu.followup.optout import active_ids

    ids = [c.pk for c in customers]
    have = set(
        CampaignTarget.objects.filter(campaign=campaign, customer_id__in=ids).values_list("customer_id", flat=True)
    )
    refused = active_ids(campaign.center_id, ids) - have  # customers who refused follow-up contact are left out
    new = [
        CampaignTarget(
            campaign=campaign,
            center_id=campaign.center_id,
            customer=c,
            source=source,
            added_at=now,
            note=(notes or {}).get(c.pk, ""),
        )
        for c in customers
        if c.pk not in have | refused
    ]
    CampaignTarget.objects.bulk_create(new)
    return Added(added=len(new), already=len(have), rows=len(ids), opted_out=len(refused))


SELECT_KINDS = ("ordinary", "key_account", "distributor")


def add_selection(scope, campaign_id: int, criteria: dict, now: datetime | None = None) -> Added:
    """Customers of the center chosen by kind, VIP, and orders of a kind since a day; a customer already on the
    list is not added twice."""
    from kefu.customers.models import Customer
    from kefu.tickets.models import Order

    now = now or timezone.now()
    campaign = get(scope, campaign_id)
    issues = []
    kind = str(criteria.get("kind") or "").strip()
    if kind and kind not in SELECT_KINDS:
        issues.append(
            Problem.of("common.not_a_choice", field="kind", field_label=Msg("followup.field.kind"), value=kind[:20])
        )
    order_kind = str(criteria.get("order_kind") or "").strip()
    if order_kind and order_kind not in Order.Kind.values:
        issues.append(
            Problem.of(
                "common.not_a_choice",
                field="order_kind",
                field_label=Msg("followup.campaign.field.order_kind"),
                value=order_kind[:20],
            )
        )
    since = criteria.get("since")
    if since not in (None, "") and not isinstance(since, date):
        try:
            since = date.fromisoformat(str(since).strip())
        except ValueError:
            issues.append(
                Problem.of(
                    "followup.base_day.invalid",
                    field="since",
                    field_label=Msg("followup.campaign.field.since"),
                    value=str(since)[:30],
                )
            )
    ids = criteria.get("customer_ids") or []
    if not isinstance(ids, list) or not all(isinstance(i, int) for i in ids):
        issues.append(Problem.of("followup.campaign.customer_ids", field="customer_ids"))
        ids = []
    if issues:
        raise RuleViolation.many(issues)
    qs = scope.filter(Customer.objects.all())
    if ids:
        qs = qs.filter(pk__in=ids)
        if qs.count() != len(set(ids)):
            raise RuleViolation.of("followup.campaign.customer_unknown", field="customer_ids")
    if kind:
        qs = qs.filter(kind=kind)
    if criteria.get("vip_only"):
        qs = qs.filter(is_vip=True)
    if order_kind or since:
        orders = Order.objects.filter(center=scope.center, customer=OuterRef("pk"))
        if order_kind:
            orders = orders.filter(kind=order_kind)
        if since:
            orders = orders.filter(accepted_at__gte=timezone.make_aware(datetime.combine(since, time.min)))
        qs = qs.filter(Exists(orders))
    if not (ids or kind or order_kind or since or criteria.get("vip_only")):
        raise RuleViolation.of("followup.campaign.selection_empty", field="kind")
    customers = list(qs.order_by("pk")[: cr.MAX_ROWS])
    with transaction.atomic():
        result = add_customers(campaign, customers, "selection", now)
    _audit_write(scope, campaign, f"按条件选择客户加入外呼名单 {result.added} 个")
    return result


def read_rows(file_name: str, raw: bytes) -> list[list[str]]:
    """An uploaded sheet's rows as texts: .xlsx (first sheet) or CSV in UTF-8 (BOM or not) or GB18030."""
    if raw[:2] == b"PK" or file_name.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            wb = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
        except Exception as exc:  # noqa: BLE001  (any unreadable workbook is the same refusal)
            raise RuleViolation.of("followup.campaign.upload.unreadable", field="file") from exc
        ws = wb.worksheets[0]
        rows = [
            ["" if v is None else (str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)) for v in row]
            for row in ws.iter_rows(values_only=True, max_row=cr.MAX_ROWS + 2)
        ]
        wb.close()
        return rows
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise RuleViolation.of("followup.campaign.upload.unreadable", field="file")
    return list(csv.reader(io.StringIO(text)))


def upload(scope, campaign_id: int, file_name: str, raw: bytes, now: datetime | None = None) -> Added:
    """An uploaded call list: every row checked first (problems name the row and the column), then all added or
    none; the same file twice adds nothing, and a customer already on the list is not added again."""
    from kefu.customers.services import upsert_customer

    now = now or timezone.now()
    campaign = get(scope, campaign_id)
    if not raw:
        raise RuleViolation.of("followup.campaign.upload.empty", field="file")
    if len(raw) > UPLOAD_MAX_BYTES:
        raise RuleViolation.of("followup.campaign.upload.too_big", field="file", max=UPLOAD_MAX_BYTES // 1024 // 1024)
    digest = hashlib.sha256(raw).hexdigest()
    if CampaignImport.objects.filter(campaign=campaign, digest=digest).exists():
        return Added(repeated_file=True)
    entries, issues = cr.parse_call_list(read_rows(file_name, raw))
    if issues:
        raise RuleViolation.many([problem(i) for i in issues[:50]])
    with transaction.atomic():
        customers, notes = [], {}
        for e in entries:
            customer = upsert_customer(scope.center, phone=e.phone, name=e.name)
            customers.append(customer)
            notes[customer.pk] = e.note
        result = add_customers(campaign, customers, "upload", now, notes)
        try:
            with transaction.atomic():
                CampaignImport.objects.create(
                    campaign=campaign,
                    digest=digest,
                    file_name=file_name[:200],
                    rows=len(entries),
                    added=result.added,
                    by=scope.staff,
                    at=now,
                )
        except IntegrityError:
            return Added(repeated_file=True)  # a concurrent upload of the same file: its rows are the same
        _audit_write(scope, campaign, f"上传外呼名单 {file_name[:60]}：{len(entries)} 行，新增 {result.added} 个")
    return result


def _audit_write(scope, campaign: Campaign, note: str) -> None:
    from kefu.audit.models import AuditRecord
    from kefu.audit.services import record

    record(
        scope.request,
        AuditRecord.Action.WRITE,
        object_type="followup.campaign",
        ids=[campaign.pk],
        fields="targets",
        note=note,
        user=scope.user,
    )


# ---------------------------------------------------------------- working the list


def take_next(scope, campaign_id: int, now: datetime | None = None) -> CampaignTarget | None:
    """Give back what the caller held on this campaign and take the next open customer (fewest attempts first);
    None when the list has nobody left to call."""
    now = now or timezone.now()
    campaign = get(scope, campaign_id)
    if campaign.state != Campaign.State.RUNNING:
        raise RuleViolation.of("followup.campaign.not_running", status=409, name=campaign.name)
    with transaction.atomic():
        held = list(
            CampaignTarget.objects.filter(campaign=campaign, holder=scope.staff, state=OPEN).values_list(
                "pk", flat=True
            )
        )
        CampaignTarget.objects.filter(pk__in=held).update(holder=None, taken_at=None)
        refused = OptOut.objects.filter(center=campaign.center_id, withdrawn_at__isnull=True).values("customer_id")
        pool = CampaignTarget.objects.filter(campaign=campaign, state=OPEN, holder__isnull=True).exclude(
            customer_id__in=refused
        )  # a customer who refused since being listed is given to nobody
        for candidates in (pool.exclude(pk__in=held), pool):
            for pk in candidates.order_by("attempt_count", "id").values_list("pk", flat=True)[:20]:
                if CampaignTarget.objects.filter(pk=pk, holder__isnull=True, state=OPEN).update(
                    holder=scope.staff, taken_at=now, version=F("version") + 1
                ):
                    return CampaignTarget.objects.select_related("customer", "campaign").get(pk=pk)
    return None


RELEASE_REASON_MAX = 300


def may_release(scope, campaign: Campaign) -> bool:
    """The campaign's owner (who created it); a campaign without an active owner: a supervisor or manager."""
    owner = campaign.created_by
    if owner is not None and owner.is_active:
        return owner.pk == getattr(scope.staff, "pk", None)
    return scope.has(Role.SUPERVISOR, Role.MANAGER)


def release(scope, campaign_id: int, target_id: int, *, reason: str, now: datetime | None = None) -> CampaignTarget:
    """A customer an agent took and still holds (an agent gone home, off sick, on another list) goes back to the
    list for the next agent: by the campaign's owner, with a reason, audited, and the agent told. The hold is not a
    state of the call machine (take_next sets and clears it the same way), so the call's state does not move."""
    now = now or timezone.now()
    campaign = get(scope, campaign_id)
    if not may_release(scope, campaign):
        raise NotAllowed(Msg("followup.campaign.release.owner_only"), rule="followup.campaign.release.owner_only")
    reason = str(reason or "").strip()
    if not reason:
        raise RuleViolation.of("followup.campaign.release.reason_required", field="reason")
    if len(reason) > RELEASE_REASON_MAX:
        raise RuleViolation.of(
            "common.too_long",
            field="reason",
            field_label=Msg("followup.campaign.field.release_reason"),
            max=RELEASE_REASON_MAX,
            length=len(reason),
        )
    with transaction.atomic():
        target = (
            CampaignTarget.objects.select_for_update(of=("self",))
            .filter(pk=target_id, campaign=campaign)
            .select_related("holder")
            .first()
        )  # the holder is a nullable join: lock the target's row only
        if target is None:
            raise RuleViolation(Msg("common.not_found", what=Msg("followup.what.call")), rule="not_found", status=404)
        if target.holder_id is None or target.state != OPEN:
            raise RuleViolation.of("followup.campaign.release.not_held", field="target", status=409)
        holder = target.holder
        CampaignTarget.objects.filter(pk=target.pk).update(holder=None, taken_at=None, version=F("version") + 1)
        from kefu.audit.models import AuditRecord
        from kefu.audit.services import record

        taken = f"，{timezone.localtime(target.taken_at):%Y-%m-%d %H:%M} 领取" if target.taken_at else ""
        record(
            scope.request,
            AuditRecord.Action.WRITE,
            object_type="followup.call",
            ids=[target.pk],
            fields="holder",
            note=f"释放外呼客户（原座席 {holder.staff_no}{taken}）：{reason}"[:300],
            user=scope.user,
        )
        from kefu.notify.services import notify

        notify(
            [holder],
            "followup.notify.released",
            key=f"followup.call.{target.pk}.released.{target.version}",
            params={"campaign": campaign.name, "by": scope.staff.staff_no, "reason": reason},
            link=f"/followup/campaigns/{campaign.pk}/",
            now=now,
        )
    target.refresh_from_db()
    return target


def get_target(scope, target_id: int) -> CampaignTarget:
    return scope.get(
        CampaignTarget.objects.select_related("campaign", "customer", "holder"),
        str(Msg("followup.what.call")),
        pk=target_id,
    )


def fire(scope, target_id: int, name: str, *, version=None, now: datetime | None = None, **fields) -> CampaignTarget:
    target = get_target(scope, target_id)
    if version is not None and not isinstance(version, int):
        version = int(version) if str(version).isdigit() else -1
    return kernel_fire(MACHINE, scope, target, name, version=version, now=now, **fields)


def require_lead(scope) -> None:
    if not scope.has(*LEADS):
        raise NotAllowed(Msg("followup.campaign.leads_only"), rule="permission")


# ---------------------------------------------------------------- progress and report


def progress(campaign: Campaign) -> cr.Progress:
    refused = CampaignAttempt.objects.filter(target=OuterRef("pk"), outcome=rules.REFUSED)
    rows = (
        CampaignTarget.objects.filter(campaign=campaign)
        .annotate(refused_once=Exists(refused))
        .values_list("state", "attempt_count", "reached_at", "closure", "refused_once")
    )
    return cr.progress((s, n, r is not None, c, f) for s, n, r, c, f in rows)


PERIODS = ("day", "week", "month")


def report(campaign: Campaign, first: date, last: date, period: str) -> list[cr.ReportRow]:
    if period not in PERIODS:
        raise RuleViolation.of(
            "common.not_a_choice",
            field="period",
            field_label=Msg("followup.campaign.field.period"),
            value=str(period)[:10],
        )
    if last < first:
        raise RuleViolation.of("followup.period.invalid", field="end", start=first, end=last)
    if (last - first).days > 366:
        raise RuleViolation.of("followup.campaign.report.too_long", field="end", days=366)
    start = timezone.make_aware(datetime.combine(first, time.min))
    end = timezone.make_aware(datetime.combine(last + timedelta(days=1), time.min))
    local = lambda m: timezone.localtime(m).date()  # noqa: E731
    attempts = [
        (local(at), t, o)
        for at, t, o in CampaignAttempt.objects.filter(
            target__campaign=campaign, at__gte=start, at__lt=end
        ).values_list("at", "target_id", "outcome")
    ]
    done = [
        (local(at), t)
        for at, t in CampaignTarget.objects.filter(
            campaign=campaign, state=DONE, closed_at__gte=start, closed_at__lt=end
        ).values_list("closed_at", "pk")
    ]
    return cr.report(attempts, done, first, last, period)


def report_workbook(
    campaign: Campaign, first: date, last: date, period: str, rows: list[cr.ReportRow], total: cr.Progress
) -> bytes:
    from openpyxl import Workbook

    from kefu.messages import render
    from kefu.web.sheets import append

    wb = Workbook()
    ws = wb.active
    ws.title = render("followup.campaign.sheet.report")[:31]
    append(ws, [campaign.name, f"{first:%Y-%m-%d} – {last:%Y-%m-%d}", render(f"followup.campaign.period.{period}")])
    append(
        ws,
        [
            render(f"followup.campaign.col.{c}")
            for c in ("start", "called", "attempts", "reached", "completed", "refused")
        ],
    )
    for r in rows:
        append(ws, [r.start.strftime("%Y-%m-%d"), r.called, r.attempts, r.reached, r.completed, r.refused])
    append(ws, [])
    append(
        ws,
        [
            render("followup.campaign.col.total"),
            total.total,
            render("followup.campaign.col.called"),
            total.called,
            render("followup.campaign.col.reached"),
            total.reached,
            render("followup.campaign.col.completed"),
            total.completed,
            render("followup.campaign.col.refused"),
            total.refused,
        ],
    )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
