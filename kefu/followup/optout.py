"""A customer's refusal of follow-up contact (拒绝回访/退订), and its withdrawal.

A customer opts out by replying to an SMS with the policy's keyword (`optout_keywords`), on the survey page, or by
telling an agent during a call. While the refusal stands:
- no survey SMS is sent (surveys.send_surveys leaves the customer out);
- campaigns leave the customer out (added to no call list, and given to no agent from a list they are on);
- visits the agent would make unasked (member, buyer visits by hand) are refused at entry;
- the return visit of a complaint is still created, because the seeds want 100 % of complaints visited (002:L259
  "回访率达100%"), but it is closed at once as "refused" with the refusal as its reason, so the coverage counts it
  as a lawful closure and the record says why nobody called (not silently skipped). A callback the customer asked
  for (an order's promised callback, the handover diary's) is the customer's own, newer request and stays.
Every opt-out and withdrawal leaves an audit record; a withdrawal needs a reason.
"""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from kefu.errors import RuleViolation
from kefu.followup.models import OptOut
from kefu.messages import Msg
from kefu.org.policy import policy_for

NOTE_MAX = 300


def active_ids(center, customer_ids=None) -> set[int]:
    """Customers of the center whose refusal stands (of `customer_ids`, when given)."""
    rows = OptOut.objects.filter(center=center, withdrawn_at__isnull=True)
    if customer_ids is not None:
        rows = rows.filter(customer_id__in=list(customer_ids))
    return set(rows.values_list("customer_id", flat=True))


def standing(customer) -> OptOut | None:
    if customer is None:
        return None
    return OptOut.objects.filter(customer=customer, withdrawn_at__isnull=True).first()


def _audit(request, user, center, optout: OptOut, note: str, channel=None) -> None:
    from kefu.audit.models import AuditRecord
    from kefu.audit.services import record

    record(
        request,
        AuditRecord.Action.WRITE,
        object_type="followup.optout",
        ids=[optout.pk],
        fields="customer",
        note=note,
        channel=channel or AuditRecord.Channel.PAGE,
        user=user,
        center=center,
    )


def _add(center, customer, channel: str, *, by=None, note: str = "", now: datetime) -> tuple[OptOut, bool]:
    """The customer's standing refusal, created unless one stands already (then returned unchanged)."""
    found = standing(customer)
    if found is not None:
        return found, False
    try:
        with transaction.atomic():
            return OptOut.objects.create(
                center=center, customer=customer, channel=channel, at=now, by=by, note=note
            ), True
    except IntegrityError:  # recorded at the same moment by another way
        return standing(customer), False


def record_by_agent(scope, *, phone: str = "", customer_id=None, note: str = "", now: datetime | None = None) -> OptOut:
    """The customer told an agent during a call that they want no more follow-up contact."""
    from kefu.customers.models import Customer
    from kefu.customers.phones import normalize_phone
    from kefu.customers.services import find_by_phone

    now = now or timezone.now()
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise RuleViolation.of(
            "common.too_long", field="note", field_label=Msg("followup.field.note"), max=NOTE_MAX, length=len(note)
        )
    customer = None
    if customer_id not in (None, ""):
        customer = (
            scope.filter(Customer.objects.all()).filter(pk=customer_id).first() if str(customer_id).isdigit() else None
        )
        if customer is None:
            raise RuleViolation.of("followup.optout.customer_unknown", field="customer_id", status=404)
    else:
        phone = str(phone or "").strip()
        if normalize_phone(phone) is None:
            raise RuleViolation.of(
                "followup.phone.invalid", field="phone", field_label=Msg("followup.field.phone"), value=phone[:20]
            )
        customer = find_by_phone(scope.center, phone)
        if customer is None:
            raise RuleViolation.of("followup.optout.phone_unknown", field="phone", status=404)
    with transaction.atomic():
        optout, created = _add(scope.center, customer, OptOut.Channel.AGENT, by=scope.staff, note=note, now=now)
        if created:
            _audit(scope.request, scope.user, scope.center, optout, "followup.optout.agent")
    return optout


def keyword_of(text: str, keywords) -> str | None:
    """The keyword an SMS reply is (case, spaces and full-width letters ignored), or None."""
    import unicodedata

    word = unicodedata.normalize("NFKC", str(text or "")).strip().upper().replace(" ", "")
    for k in keywords:
        if word == unicodedata.normalize("NFKC", k).strip().upper().replace(" ", ""):
            return k
    return None


def sms_reply(center, phone: str, text: str, now: datetime | None = None) -> OptOut | None:
    """An SMS a customer sent back (the provider's inbound callback). The policy's keyword from a customer of the
    center is an opt-out; any other text, or an unknown number, changes nothing (None)."""
    from kefu.audit.models import AuditRecord
    from kefu.customers.services import find_by_phone

    now = now or timezone.now()
    if keyword_of(text, policy_for("followup", center)["optout_keywords"]) is None:
        return None
    customer = find_by_phone(center, str(phone or "").strip())
    if customer is None:
        return None
    with transaction.atomic():
        optout, created = _add(center, customer, OptOut.Channel.SMS_REPLY, note=str(text)[:NOTE_MAX], now=now)
        if created:
            _audit(None, None, center, optout, "followup.optout.sms_reply", AuditRecord.Channel.SYSTEM)
    return optout


def from_survey(token: str, now: datetime | None = None) -> OptOut:
    """The customer refused further contact on the survey page; the signed link is the proof of who they are
    (valid even after the survey was answered or expired: refusing is always possible)."""
    from kefu.audit.models import AuditRecord
    from kefu.followup.surveys import survey_of

    now = now or timezone.now()
    survey = survey_of(token, now)
    with transaction.atomic():
        optout, created = _add(survey.center, survey.customer, OptOut.Channel.SURVEY_PAGE, now=now)
        if created:
            _audit(None, None, survey.center, optout, "followup.optout.survey_page", AuditRecord.Channel.SYSTEM)
    return optout


def withdraw(scope, optout_id: int, *, reason: str, now: datetime | None = None) -> OptOut:
    """The customer agreed to be contacted again: the refusal ends, with the reason, audited."""
    now = now or timezone.now()
    reason = (reason or "").strip()
    if not reason:
        raise RuleViolation.of("followup.optout.reason_required", field="reason")
    if len(reason) > NOTE_MAX:
        raise RuleViolation.of(
            "common.too_long",
            field="reason",
            field_label=Msg("followup.field.withdraw_reason"),
            max=NOTE_MAX,
            length=len(reason),
        )
    with transaction.atomic():
        optout = scope.get(OptOut.objects.select_for_update(), str(Msg("followup.what.optout")), pk=optout_id)
        if optout.withdrawn_at is not None:
            raise RuleViolation.of(
                "followup.optout.withdrawn_already", field="optout", status=409, withdrawn_at=optout.withdrawn_at
            )
        optout.withdrawn_at, optout.withdrawn_by, optout.withdraw_reason = now, scope.staff, reason
        optout.save(update_fields=["withdrawn_at", "withdrawn_by", "withdraw_reason"])
        _audit(scope.request, scope.user, scope.center, optout, "followup.optout.withdraw")
    return optout


def listing(scope, *, include_withdrawn: bool = False, limit: int = 300) -> list[OptOut]:
    rows = scope.filter(OptOut.objects.select_related("customer", "by", "withdrawn_by"))
    if not include_withdrawn:
        rows = rows.filter(withdrawn_at__isnull=True)
    return list(rows[:limit])


def reason_of(optout: OptOut) -> Msg:
    """Why nobody calls: the refusal's way and time, as a message."""
    return Msg("followup.optout.reason", channel=Msg(f"followup.optout.channel.{optout.channel}"), optout_at=optout.at)
