"""Lazy links to calls (kefu.telephony) and work orders (kefu.tickets), which may not be installed yet.

Every function degrades to None / [] when the other app or the field is absent.
"""

from __future__ import annotations

import importlib
from datetime import datetime

from django.core.exceptions import FieldError


def _model(app: str, name: str):
    try:
        module = importlib.import_module(f"kefu.{app}.models")
    except ImportError:
        return None
    return getattr(module, name, None)


def call_model():
    return _model("telephony", "Call")


def order_model():
    return _model("tickets", "Order")


def call(ref: int | None):
    model = call_model()
    if model is None or ref is None:
        return None
    return model.objects.filter(pk=ref).first()


def call_by_id(center, call_id: str):
    model = call_model()
    if model is None or not call_id:
        return None
    qs = model.objects.filter(call_id=call_id)
    if any(f.name == "center" for f in model._meta.get_fields()):
        qs = qs.filter(center=center)
    return qs.first()


def call_extras(ref: int | None) -> dict:
    """Recording link and transcript of a call, when telephony keeps them."""
    row = call(ref)
    if row is None:
        return {}
    out = {}
    for name in ("recording_url", "recording", "recording_path"):
        value = getattr(row, name, None)
        if value:
            out["recording_url"] = str(getattr(value, "url", value))
            break
    for name in ("transcript", "transcript_text"):
        value = getattr(row, name, None)
        if value:
            out["transcript"] = str(value)
            break
    for name in ("disposition", "outcome", "is_vip", "wait_seconds", "queue", "hold_seconds", "transferred"):
        if hasattr(row, name):
            out[name] = getattr(row, name)
    return out


def order_for(order_ref: int | None, call_id: str | None):
    """The order the call produced: by stored reference, else by the call id kept on the order."""
    model = order_model()
    if model is None:
        return None
    if order_ref:
        found = model.objects.filter(pk=order_ref).first()
        if found is not None:
            return found
    if call_id:
        for field in ("call_id", "source_call_id"):
            try:
                found = model.objects.filter(**{field: call_id}).order_by("pk").first()
            except FieldError:
                continue
            if found is not None:
                return found
    return None


def month_calls(center, start: datetime, end: datetime) -> list[dict] | None:
    """The center's answered calls of a period as plain dicts; None when telephony is absent."""
    model = call_model()
    if model is None:
        return None
    qs = model.objects.filter(offered_at__gte=start, offered_at__lt=end, talk_seconds__gt=0).exclude(agent_staff_no="")
    if any(f.name == "center" for f in model._meta.get_fields()):
        qs = qs.filter(center=center)
    if any(f.name == "outcome" for f in model._meta.get_fields()):
        qs = qs.filter(outcome="answered")
    return [
        {
            "ref": r.pk,
            "call_id": r.call_id,
            "agent_staff_no": r.agent_staff_no,
            "call_type": r.call_type or "",
            "talk_seconds": int(r.talk_seconds or 0),
            "offered_at": r.offered_at,
        }
        for r in qs.only("pk", "call_id", "agent_staff_no", "call_type", "talk_seconds", "offered_at")
    ]
