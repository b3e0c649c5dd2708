"""通知 API: thin — parse, call services/selectors, present."""

from __future__ import annotations

from datetime import datetime

from ninja import Router, Schema

from kefu.access import op
from kefu.notify import selectors, services
from kefu.notify.models import Channel, Outbox, Preference
from kefu.scope import caller

router = Router(tags=["通知 notify"])


class NotifyNotificationOut(Schema):
    id: int
    text: str
    link: str
    urgent: bool
    created_at: datetime
    read_at: datetime | None


class NotifyMineOut(Schema):
    unread: int
    items: list[NotifyNotificationOut]


class NotifyIdsIn(Schema):
    ids: list[int] = []


class NotifyCountOut(Schema):
    changed: int
    unread: int


class NotifyPreferenceIO(Schema):
    email: str = ""
    mobile: str = ""
    by_email: bool = False
    by_sms: bool = False
    by_wecom: bool = False
    by_dingtalk: bool = False
    quiet_start: str | None = None
    quiet_end: str | None = None


class NotifyChannelIn(Schema):
    kind: str = ""
    name: str = ""
    url: str = ""
    secret: str | None = None
    is_active: bool = True


class NotifyChannelOut(Schema):
    id: int
    kind: str
    name: str
    url: str
    has_secret: bool
    is_active: bool


class NotifyOutboxOut(Schema):
    id: int
    via: str
    recipient_no: str
    state: str
    state_label: str
    attempts: int
    next_at: datetime
    sent_at: datetime | None
    last_error: str
    created_at: datetime


def _pref_out(pref: Preference | None) -> dict:
    if pref is None:
        return {}
    return {
        "email": pref.email,
        "mobile": pref.mobile,
        "by_email": pref.by_email,
        "by_sms": pref.by_sms,
        "by_wecom": pref.by_wecom,
        "by_dingtalk": pref.by_dingtalk,
        "quiet_start": pref.quiet_start.strftime("%H:%M") if pref.quiet_start else None,
        "quiet_end": pref.quiet_end.strftime("%H:%M") if pref.quiet_end else None,
    }


def _channel_out(c: Channel) -> dict:
    return {
        "id": c.pk,
        "kind": c.kind,
        "name": c.name,
        "url": c.url,
        "has_secret": bool(c.secret),
        "is_active": c.is_active,
    }


def _outbox_out(o: Outbox) -> dict:
    return {
        "id": o.pk,
        "via": o.via,
        "recipient_no": o.recipient.staff_no if o.recipient else "",
        "state": o.state,
        "state_label": o.get_state_display(),
        "attempts": o.attempts,
        "next_at": o.next_at,
        "sent_at": o.sent_at,
        "last_error": o.last_error,
        "created_at": o.created_at,
    }


@op(router.get, "/mine", "notify.mine", response=NotifyMineOut)
def mine(request, unread_only: bool = False):
    scope = caller(request)
    return {"unread": selectors.unread_count(scope.staff), "items": selectors.mine(scope, unread_only=unread_only)}


@op(router.post, "/read", "notify.read", response=NotifyCountOut)
def read(request, payload: NotifyIdsIn):
    scope = caller(request)
    changed = services.mark_read(scope, ids=payload.ids)
    return {"changed": changed, "unread": selectors.unread_count(scope.staff)}


@op(router.post, "/read-all", "notify.read_all", response=NotifyCountOut)
def read_all(request):
    scope = caller(request)
    return {"changed": services.mark_all_read(scope), "unread": 0}


@op(router.get, "/preference", "notify.preference", response=NotifyPreferenceIO)
def preference(request):
    scope = caller(request)
    return _pref_out(Preference.objects.filter(staff=scope.staff).first())


@op(router.put, "/preference", "notify.save_preference", response=NotifyPreferenceIO)
def save_preference(request, payload: NotifyPreferenceIO):
    return _pref_out(services.save_preference(caller(request), payload.dict()))


@op(router.get, "/channels", "notify.channels", response=list[NotifyChannelOut])
def channel_list(request):
    scope = caller(request)
    return [_channel_out(c) for c in scope.filter(Channel.objects.order_by("kind"))]


@op(router.post, "/channels", "notify.save_channel", response=NotifyChannelOut)
def save_channel(request, payload: NotifyChannelIn):
    return _channel_out(services.save_channel(caller(request), payload.dict()))


@op(router.get, "/outbox", "notify.outbox", response=list[NotifyOutboxOut])
def outbox(request, state: str = ""):
    scope = caller(request)
    qs = scope.filter(Outbox.objects.select_related("recipient"))
    if state:
        qs = qs.filter(state=state)
    return [_outbox_out(o) for o in qs[:200]]


@op(router.post, "/outbox/{outbox_id}/requeue", "notify.requeue", response=NotifyOutboxOut)
def requeue(request, outbox_id: int):
    return _outbox_out(services.requeue(caller(request), outbox_id))
