"""Writing audit records. Call `record_read` wherever customer data leaves the server."""

from __future__ import annotations

from collections.abc import Iterable

from kefu.audit.masking import mask_name, mask_phone
from kefu.audit.models import AuditRecord
from kefu.org.roles import UNMASK_ROLES, roles_of


def _client_ip(request) -> str | None:
    if request is None:
        return None
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    return (forwarded.split(",")[0].strip() or None) if forwarded else request.META.get("REMOTE_ADDR")


def _channel(request, default: str) -> str:
    if request is not None and request.path.startswith("/api/"):
        return AuditRecord.Channel.API
    if request is not None and request.path.startswith("/admin/"):
        return AuditRecord.Channel.ADMIN
    return default


def record(
    request,
    action: str,
    *,
    object_type: str,
    ids: Iterable,
    fields: str = "",
    note: str = "",
    channel: str = AuditRecord.Channel.PAGE,
    user=None,
    center=None,
) -> AuditRecord:
    """One audit record; its center is the acting staff member's (or `center`, for work done for a center)."""
    user = user or (getattr(request, "user", None) if request is not None else None)
    if user is not None and not user.is_authenticated:
        user = None
    staff = getattr(user, "staff", None) if user is not None else None
    return AuditRecord.objects.create(
        actor=user,
        center_id=getattr(center, "pk", None) or (staff.center_id if staff else None),
        staff_no=getattr(staff, "staff_no", "") if staff else (user.get_username() if user else ""),
        action=action,
        channel=_channel(request, channel),
        object_type=object_type,
        object_ids=",".join(str(i) for i in ids)[:10000],
        fields=fields[:200],
        path=(request.get_full_path()[:300] if request is not None else ""),
        ip=_client_ip(request),
        note=note[:300],
    )


def record_read(
    request,
    *,
    object_type: str,
    ids: Iterable,
    fields: str = "",
    channel: str = AuditRecord.Channel.PAGE,
    note: str = "",
    user=None,
    center=None,
):
    return record(
        request,
        AuditRecord.Action.READ,
        object_type=object_type,
        ids=ids,
        fields=fields,
        channel=channel,
        note=note,
        user=user,
        center=center,
    )


def can_unmask(user) -> bool:
    return bool(roles_of(user) & UNMASK_ROLES) or (user is not None and user.has_perm("audit.unmask_customer"))


def shown_phone(phone: str | None, unmasked: bool) -> str:
    return (phone or "") if unmasked else mask_phone(phone)


def shown_name(name: str | None, unmasked: bool) -> str:
    return (name or "") if unmasked else mask_name(name)
