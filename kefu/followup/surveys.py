"""Satisfaction surveys after a reply (004:L1003 "进行客户回访及客户满意度调查"): an SMS with a signed one-time link
(Django's signing: the survey id and a random nonce, salted, valid for the policy's hours) to a small page without
login. The answer goes on the order's timeline; a dissatisfied answer reopens the order as the textbook's
re-dispatch (004:L2127) through the tickets machine's own `redispatch` transition, fired as the order's dispatcher.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone

from kefu.errors import Problem, RuleViolation
from kefu.followup.models import OptOut, Survey
from kefu.messages import Msg
from kefu.notify.services import send_to_address
from kefu.org.policy import policy_for

log = logging.getLogger(__name__)
SALT = "kefu.followup.survey"
ANSWERS = ("satisfied", "dissatisfied")
COMMENT_MAX = 300


def token_for(survey: Survey) -> str:
    return signing.dumps({"s": survey.pk, "n": survey.nonce}, salt=SALT, compress=True)


def link_for(survey: Survey) -> str:
    public = policy_for("notify", survey.center)["public_url"].rstrip("/")
    return f"{public}/followup/s/{token_for(survey)}/"


def send_surveys(now: datetime | None = None) -> int:
    """One survey per reply of the policy's kinds, replied within the lookback; the SMS is queued in the outbox."""
    from kefu.audit.models import AuditRecord
    from kefu.audit.services import record
    from kefu.org.models import Center
    from kefu.tickets.models import Order

    now = now or timezone.now()
    made = 0
    for center in Center.objects.all():
        pol = policy_for("followup", center)
        if not pol["survey_enabled"]:
            continue
        since = now - timedelta(days=pol["lookback_days"])
        orders = (
            Order.objects.filter(
                center=center,
                kind__in=pol["survey_kinds"],
                state="replied",
                last_replied_at__gte=since,
                last_replied_at__lte=now,
            )
            .exclude(
                customer_id__in=OptOut.objects.filter(center=center, withdrawn_at__isnull=True).values("customer_id")
            )  # a customer who refused follow-up gets no survey SMS
            .select_related("customer")
        )
        for order in orders:
            round_ = max(order.reply_count, 1)
            if Survey.objects.filter(order=order, reply_round=round_).exists():
                continue
            try:
                with transaction.atomic():
                    survey = Survey.objects.create(
                        center=center,
                        order=order,
                        reply_round=round_,
                        customer=order.customer,
                        nonce=secrets.token_hex(8),
                        sent_at=now,
                        expires_at=now + timedelta(hours=pol["survey_expiry_hours"]),
                    )
                    send_to_address(
                        center,
                        via="sms",
                        address=order.customer.phone,
                        code="followup.survey.sms",
                        key=f"followup.survey.{survey.pk}",
                        now=now,
                        params={
                            "order": order.number,
                            "url": link_for(survey),
                            "hours": pol["survey_expiry_hours"],
                            "keyword": pol["optout_keywords"][0],
                        },
                    )
                    record(
                        None,
                        AuditRecord.Action.READ,
                        object_type="customers.customer",
                        ids=[order.customer_id],
                        fields="phone",
                        note=f"满意度调查短信 工单 {order.number}",
                        channel=AuditRecord.Channel.SYSTEM,
                    )
            except IntegrityError:
                continue
            made += 1
    return made


def survey_of(token: str, now: datetime | None = None) -> Survey:
    """The survey a link names. A forged or mangled link and an unknown one are the same refusal; an expired one
    says so."""
    now = now or timezone.now()
    try:
        data = signing.loads(token, salt=SALT)
    except signing.BadSignature as exc:
        raise RuleViolation.of("followup.survey.invalid", status=404) from exc
    survey = Survey.objects.select_related("order", "center").filter(pk=data.get("s"), nonce=data.get("n")).first()
    if survey is None:
        raise RuleViolation.of("followup.survey.invalid", status=404)
    return survey


def check_open(survey: Survey, now: datetime) -> None:
    if survey.state == Survey.State.ANSWERED:
        raise RuleViolation.of("followup.survey.answered", status=409, answered_at=survey.answered_at)
    if now >= survey.expires_at:
        raise RuleViolation.of("followup.survey.expired", status=410, expires_at=survey.expires_at)


def answer(token: str, answer: str, comment: str = "", now: datetime | None = None) -> Survey:
    """The customer's answer: once, before expiry. Bad input changes nothing."""
    now = now or timezone.now()
    survey = survey_of(token, now)
    if answer not in ANSWERS:
        raise RuleViolation.of("followup.survey.answer_invalid", field="answer", value=str(answer)[:20])
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise RuleViolation.of(
            "followup.survey.comment_too_long", field="comment", max=COMMENT_MAX, length=len(comment)
        )
    with transaction.atomic():
        survey = Survey.objects.select_for_update().select_related("order", "center").get(pk=survey.pk)
        check_open(survey, now)
        survey.state, survey.answered_at, survey.answer, survey.comment = Survey.State.ANSWERED, now, answer, comment
        survey.save()
        on_order(survey, now)
    return survey


def on_order(survey: Survey, now: datetime) -> None:
    """The result on the order's timeline and as its latest satisfaction (K11-K14); a dissatisfied answer
    re-dispatches it through the tickets machine. Used by the SMS survey and the IVR import alike."""
    from kefu.followup.services import record_satisfaction
    from kefu.tickets import services as tickets
    from kefu.tickets.models import Order, OrderEvent

    order = Order.objects.select_related("dispatcher", "department").get(pk=survey.order_id)
    OrderEvent.objects.create(
        order=order,
        at=now,
        actor=None,
        staff_no="",
        by_system=True,
        name="survey",
        code=f"followup.survey.event.{survey.channel}",
        note_code="followup.survey.event.answer",
        params={"answer": Msg(f"followup.satisfaction.{survey.answer}").as_data()},
        from_state=order.state,
        to_state=order.state,
        note=survey.comment or "",
    )
    if survey.answer != "dissatisfied" or order.state != "replied":
        record_satisfaction(order.pk, survey.answer)
        return
    dispatcher = _dispatcher(order)
    if dispatcher is None:
        record_satisfaction(order.pk, survey.answer)
        log.warning("工单 %s 回评不满意，但中心没有可重新派单的转单员", order.number)
        return
    # The customer's own verdict replaces the one recorded at the reply; the machine's guard reads it (004:L2127).
    try:
        with transaction.atomic():
            Order.objects.filter(pk=order.pk).update(satisfaction="dissatisfied")
            order.refresh_from_db()
            tickets.transition(
                order,
                "redispatch",
                dispatcher,
                order.version,
                now=now,
                dispatch_opinion=_in_center_language(Msg("followup.survey.redispatch_opinion")),
                department=order.department_id,
            )
    except RuleViolation as exc:  # the answer stands; the dispatcher re-dispatches by hand, told so at once
        log.warning("工单 %s 回评不满意，自动重新派单未成功：%s", order.number, exc)
        record_satisfaction(order.pk, survey.answer)
        from kefu.notify.services import notify

        notify(
            [dispatcher],
            "followup.survey.redispatch_by_hand",
            key=f"followup.survey.{survey.pk}.by_hand",
            urgent=True,
            link=f"/tickets/orders/{order.pk}/",
            now=now,
            params={"order": order.number, "comment": survey.comment or "—"},
        )
        return
    Survey.objects.filter(pk=survey.pk).update(redispatched=True)
    survey.redispatched = True


def _in_center_language(msg: Msg) -> str:
    """A text the tickets machine keeps as typed (the dispatch opinion): in the center's language, whoever's page
    caused it."""
    from django.conf import settings
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        return str(msg)


def _dispatcher(order):
    from kefu.org.models import Staff

    if (
        order.dispatcher_id
        and order.dispatcher.is_active
        and order.dispatcher.user.groups.filter(name="dispatcher").exists()
    ):
        return order.dispatcher
    return (
        Staff.objects.filter(center_id=order.center_id, is_active=True, user__groups__name="dispatcher")
        .order_by("staff_no")
        .first()
    )


# ---------------------------------------------------------------- IVR survey results


@dataclass
class IvrImport:
    rows: int = 0
    added: int = 0
    unchanged: int = 0
    dissatisfied: int = 0
    redispatched: int = 0


def _order_of(scope, row, problems: list):
    """The order a result is about: by its number, or by the call: the caller's number is a customer of the center,
    and the result is about that customer's latest order replied before the survey."""
    from kefu.customers.models import Customer
    from kefu.telephony.models import Call
    from kefu.tickets.models import Order

    if row.order:
        order = scope.filter(Order.objects.all()).filter(number=row.order).select_related("customer").first()
        if order is None:
            problems.append(Problem.of("followup.ivr.order_unknown", field="file", row=row.row, value=row.order))
        elif order.last_replied_at is None:
            problems.append(Problem.of("followup.ivr.not_replied", field="file", row=row.row, value=row.order))
            order = None
        return order
    call = scope.filter(Call.objects.all()).filter(call_id=row.call_id).select_related("caller").first()
    if call is None:
        problems.append(Problem.of("followup.ivr.call_unknown", field="file", row=row.row, value=row.call_id))
        return None
    digest = call.caller.number_digest if call.caller_id and call.caller else None
    customer = Customer.objects.filter(center=scope.center, phone_digest=digest).first() if digest else None
    order = None
    if customer is not None:
        order = (
            Order.objects.filter(
                center=scope.center,
                customer=customer,
                last_replied_at__isnull=False,
                last_replied_at__lte=timezone.make_aware(row.at),
            )
            .exclude(state="cancelled")
            .order_by("-last_replied_at", "-id")
            .first()
        )
    if order is None:
        problems.append(Problem.of("followup.ivr.call_no_order", field="file", row=row.row, value=row.call_id))
    return order


def import_ivr(scope, file_name: str, raw: bytes, now: datetime | None = None) -> IvrImport:
    """Results of an IVR satisfaction survey (call id or order number, time, key pressed): every row checked and
    matched first (all or nothing, each problem naming its row), then each result once per order and reply (a
    second import of the same results changes nothing). A result goes on the order like the SMS survey's answer:
    its timeline, its satisfaction (K11-K14), and a dissatisfied one re-dispatches it (004:L2127)."""
    from kefu.followup.campaigns import UPLOAD_MAX_BYTES, read_rows
    from kefu.followup.rules import parse_ivr

    now = now or timezone.now()
    if not raw:
        raise RuleViolation.of("followup.ivr.empty", field="file")
    if len(raw) > UPLOAD_MAX_BYTES:
        raise RuleViolation.of("followup.campaign.upload.too_big", field="file", max=UPLOAD_MAX_BYTES // 1024 // 1024)
    scores = {str(k): v for k, v in policy_for("followup", scope.center)["ivr_scores"].items()}
    rows, issues = parse_ivr(read_rows(file_name, raw), scores)
    problems = [Problem.of(code, field="file", **params) for code, params in issues]
    matched = [(row, _order_of(scope, row, problems)) for row in rows]
    if problems:
        raise RuleViolation.many(problems[:50])
    result = IvrImport(rows=len(rows))
    fresh = []
    with transaction.atomic():
        for row, order in matched:
            round_ = max(order.reply_count, 1)
            at = timezone.make_aware(row.at)
            survey, created = Survey.objects.get_or_create(
                order=order,
                reply_round=round_,
                channel="ivr",
                defaults={
                    "center": scope.center,
                    "customer": order.customer,
                    "nonce": "",
                    "state": Survey.State.ANSWERED,
                    "sent_at": at,
                    "expires_at": at,
                    "answered_at": at,
                    "answer": row.answer,
                    "score": row.score,
                    "call_id": row.call_id,
                },
            )
            if not created:
                result.unchanged += 1
                continue
            result.added += 1
            result.dissatisfied += row.answer == "dissatisfied"
            fresh.append(survey)
        from kefu.audit.models import AuditRecord
        from kefu.audit.services import record

        record(
            scope.request,
            AuditRecord.Action.WRITE,
            object_type="followup.survey",
            ids=[s.pk for s in fresh],
            fields="answer",
            note=f"导入IVR满意度结果 {file_name[:60]}：{len(rows)} 行，新增 {result.added}",
            user=scope.user,
        )
    for survey in fresh:  # each on its own: one order that cannot be re-dispatched does not undo the others
        on_order(survey, now)
        survey.refresh_from_db()
        result.redispatched += survey.redispatched
    return result
