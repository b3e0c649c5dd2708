"""Notification use cases: queue (in the caller's transaction, never failing it), deliver (the timer), read,
preferences and channels.

    notify([staff], "followup.notify.assigned", params={...}, link="/followup/", key=f"followup.task.{pk}.assigned")

`notify` writes the in-app line and one outbox row per channel the person chose; the `key` makes it idempotent
(the same key twice notifies once). Delivery happens only in `deliver_due` (timer notify-deliver): a row is claimed
by a conditional update before it is sent, marked sent after, retried with back-off on failure, and a claimed row
whose worker died is marked unknown rather than sent again.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from kefu.errors import Problem, RuleViolation
from kefu.messages import Msg, render
from kefu.notify import channels, rules
from kefu.notify.models import Channel, Notification, Outbox, Preference
from kefu.org.policy import policy_for

log = logging.getLogger(__name__)

VIA_FLAGS = (("email", "by_email"), ("sms", "by_sms"), ("wecom", "by_wecom"), ("dingtalk", "by_dingtalk"))
MOBILE = re.compile(r"^1\d{10}$")


# ---------------------------------------------------------------- queueing


def notify(
    recipients,
    code: str,
    *,
    key: str,
    params: dict | None = None,
    link: str = "",
    urgent: bool = False,
    now: datetime | None = None,
) -> int:
    """Notify each staff member (in-app, and by the channels they chose). Returns how many were newly notified.

    Runs in a savepoint of the caller's transaction: a failure here is logged and never fails the caller's write.
    Urgent messages (escalations, overdue alerts) pass quiet hours."""
    now = now or timezone.now()
    data = Msg(code, **(params or {})).as_data()["params"]
    done = 0
    for staff in recipients:
        if staff is None:
            continue
        try:
            with transaction.atomic():
                if _queue_one(staff, code, data, key, link, urgent, now):
                    done += 1
        except Exception:  # noqa: BLE001 — a notification must never fail the write that caused it
            log.exception("通知 %s 未能登记（接收人 %s）", key, getattr(staff, "staff_no", staff))
    return done


def _queue_one(staff, code: str, params: dict, key: str, link: str, urgent: bool, now: datetime) -> bool:
    _, created = Notification.objects.get_or_create(
        recipient=staff,
        key=key[:200],
        defaults={
            "center_id": staff.center_id,
            "code": code,
            "params": params,
            "link": link[:300],
            "urgent": urgent,
            "created_at": now,
        },
    )
    if not created:
        return False
    pref = Preference.objects.filter(staff=staff).first()
    if pref is None:
        return True
    release = now
    if not urgent:
        local = timezone.localtime(now)
        release = rules.release_at(local, pref.quiet_start, pref.quiet_end)
    for via, flag in VIA_FLAGS:
        if not getattr(pref, flag):
            continue
        address = pref.email if via == "email" else pref.mobile
        if via in ("email", "sms") and not address:
            continue
        Outbox.objects.get_or_create(
            key=f"{key}|{staff.pk}|{via}"[:250],
            defaults={
                "center_id": staff.center_id,
                "via": via,
                "recipient": staff,
                "address": address,
                "code": code,
                "params": params,
                "link": link[:300],
                "urgent": urgent,
                "next_at": release,
                "created_at": now,
            },
        )
    return True


def send_to_address(
    center, *, via: str, address: str, code: str, key: str, params: dict | None = None, now: datetime | None = None
) -> bool:
    """Queue one message to an address outside the staff (a customer's mobile): an outbox row, once per key.
    The caller audits the use of the customer's number. Never fails the caller's write."""
    now = now or timezone.now()
    try:
        with transaction.atomic():
            _, created = Outbox.objects.get_or_create(
                key=key[:250],
                defaults={
                    "center": center,
                    "via": via,
                    "address": address,
                    "code": code,
                    "params": Msg(code, **(params or {})).as_data()["params"],
                    "next_at": now,
                    "created_at": now,
                },
            )
    except Exception:  # noqa: BLE001 — a message must never fail the write that caused it
        log.exception("消息 %s 未能登记", key)
        return False
    return created


# ---------------------------------------------------------------- delivery (the timer)


def text_of(row: Outbox, public_url: str = "") -> str:
    """The message as sent: rendered in the center's language (Chinese), with the link."""
    with translation.override(settings.LANGUAGE_CODE):
        text = render(row.code, row.params)
        if row.link:
            text += "\n" + render("notify.link", {"url": public_url.rstrip("/") + row.link})
    return text


def deliver_due(now: datetime | None = None, limit: int = 200) -> dict:
    """Send what is due. Each row: claimed (pending -> sending) by a conditional update, sent, then marked."""
    now = now or timezone.now()
    counts = {"sent": 0, "retry": 0, "failed": 0, "unknown": 0}
    counts["unknown"] = _mark_stale(now)
    due = list(
        Outbox.objects.filter(state=Outbox.State.PENDING, next_at__lte=now)
        .order_by("next_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
    for pk in due:
        if not Outbox.objects.filter(pk=pk, state=Outbox.State.PENDING).update(
            state=Outbox.State.SENDING, claimed_at=now
        ):
            continue  # another worker took it
        row = Outbox.objects.select_related("center").get(pk=pk)
        pol = policy_for("notify", row.center)
        channel = (
            None if row.via == Outbox.Via.EMAIL else Channel.objects.filter(center=row.center, kind=row.via).first()
        )
        try:
            with translation.override(settings.LANGUAGE_CODE):
                subject = render("notify.subject")
            channels.send(
                row.via, address=row.address, text=text_of(row, pol["public_url"]), subject=subject, channel=channel
            )
        except channels.DeliveryFailed as exc:
            attempts = row.attempts + 1
            if attempts >= pol["max_attempts"]:
                Outbox.objects.filter(pk=pk).update(
                    state=Outbox.State.FAILED, attempts=attempts, last_error=str(exc)[:300]
                )
                counts["failed"] += 1
            else:
                wait = rules.backoff(attempts, pol["backoff_base_seconds"], pol["backoff_cap_seconds"])
                Outbox.objects.filter(pk=pk).update(
                    state=Outbox.State.PENDING, attempts=attempts, next_at=now + wait, last_error=str(exc)[:300]
                )
                counts["retry"] += 1
        else:
            Outbox.objects.filter(pk=pk).update(
                state=Outbox.State.SENT, attempts=row.attempts + 1, sent_at=now, last_error=""
            )
            counts["sent"] += 1
    return counts


def _mark_stale(now: datetime) -> int:
    """Rows claimed long ago without an outcome: the worker died mid-send. Marked unknown, never re-sent."""
    marked = 0
    for center_id in set(Outbox.objects.filter(state=Outbox.State.SENDING).values_list("center_id", flat=True)):
        from kefu.org.models import Center

        lease = timedelta(seconds=policy_for("notify", Center.objects.get(pk=center_id))["lease_seconds"])
        marked += Outbox.objects.filter(
            center_id=center_id, state=Outbox.State.SENDING, claimed_at__lt=now - lease
        ).update(state=Outbox.State.UNKNOWN)
    return marked


def requeue(scope, pk: int, *, now: datetime | None = None) -> Outbox:
    """An administrator's decision to send a failed or unknown row again."""
    row = scope.get(Outbox.objects.all(), str(Msg("notify.what.outbox")), pk=pk)
    if row.state not in (Outbox.State.FAILED, Outbox.State.UNKNOWN):
        raise RuleViolation.of("notify.requeue.state", field="state", status=409, state=row.get_state_display())
    Outbox.objects.filter(pk=pk, state=row.state).update(
        state=Outbox.State.PENDING, attempts=0, next_at=now or timezone.now(), claimed_at=None
    )
    row.refresh_from_db()
    return row


# ---------------------------------------------------------------- reading


def mark_read(scope, *, ids: list[int], now: datetime | None = None) -> int:
    return Notification.objects.filter(recipient=scope.staff, pk__in=ids, read_at__isnull=True).update(
        read_at=now or timezone.now()
    )


def mark_all_read(scope, now: datetime | None = None) -> int:
    return Notification.objects.filter(recipient=scope.staff, read_at__isnull=True).update(
        read_at=now or timezone.now()
    )


# ---------------------------------------------------------------- preferences and channels


def _time(value, problems: list, field: str):
    if value in (None, ""):
        return None
    if isinstance(value, time):
        return value
    try:
        return time.fromisoformat(str(value).strip())
    except ValueError:
        problems.append(
            Problem.of("notify.quiet.time", field=field, field_label=Msg("notify.field.quiet"), value=str(value)[:20])
        )
        return None


def save_preference(scope, data: dict) -> Preference:
    """The caller's own preferences. Every problem at once; nothing saved when any."""
    problems: list[Problem] = []
    email = str(data.get("email") or "").strip()
    mobile = str(data.get("mobile") or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            problems.append(
                Problem.of(
                    "notify.email.invalid", field="email", field_label=Msg("notify.field.email"), value=email[:60]
                )
            )
    if mobile and not MOBILE.match(mobile):
        problems.append(
            Problem.of(
                "notify.mobile.invalid", field="mobile", field_label=Msg("notify.field.mobile"), value=mobile[:20]
            )
        )
    flags = {flag: bool(data.get(flag)) for _via, flag in VIA_FLAGS}
    if flags["by_email"] and not email:
        problems.append(
            Problem.of(
                "notify.channel.needs_address",
                field="email",
                channel=Msg("notify.via.email"),
                field_label=Msg("notify.field.email"),
            )
        )
    for flag, via in (("by_sms", "sms"), ("by_wecom", "wecom"), ("by_dingtalk", "dingtalk")):
        if flags[flag] and via == "sms" and not mobile:
            problems.append(
                Problem.of(
                    "notify.channel.needs_address",
                    field="mobile",
                    channel=Msg("notify.via.sms"),
                    field_label=Msg("notify.field.mobile"),
                )
            )
    start = _time(data.get("quiet_start"), problems, "quiet_start")
    end = _time(data.get("quiet_end"), problems, "quiet_end")
    if (start is None) != (end is None) and not any(p.field in ("quiet_start", "quiet_end") for p in problems):
        problems.append(
            Problem.of("notify.quiet.incomplete", field="quiet_start", field_label=Msg("notify.field.quiet"))
        )
    if problems:
        raise RuleViolation.many(problems)
    pref, _ = Preference.objects.update_or_create(
        staff=scope.staff, defaults={"email": email, "mobile": mobile, "quiet_start": start, "quiet_end": end, **flags}
    )
    return pref


def check_url(value: str, field: str = "url") -> str:
    problem = rules.webhook_problem(value)
    if problem is not None:
        raise RuleViolation.of(
            f"notify.url.{problem}", field=field, field_label=Msg("notify.field.url"), value=str(value or "")[:80]
        )
    return value.strip()


def save_channel(scope, data: dict) -> Channel:
    """An administrator configures the center's SMS provider or a group robot (one per kind)."""
    kind = str(data.get("kind") or "").strip()
    if kind not in Channel.Kind.values:
        raise RuleViolation.of(
            "notify.kind.invalid", field="kind", field_label=Msg("notify.field.kind"), value=kind[:20]
        )
    name = str(data.get("name") or "").strip()[:50]
    if not name:
        raise RuleViolation.of("notify.name.required", field="name", field_label=Msg("notify.field.name"))
    url = check_url(str(data.get("url") or ""))
    defaults = {"name": name, "url": url, "is_active": bool(data.get("is_active", True))}
    if data.get("secret") is not None:
        defaults["secret"] = str(data["secret"]).strip()
    try:
        with transaction.atomic():
            channel, _ = Channel.objects.update_or_create(center=scope.center, kind=kind, defaults=defaults)
    except IntegrityError:  # two administrators at once: the other's row stands
        channel = Channel.objects.get(center=scope.center, kind=kind)
    return channel
