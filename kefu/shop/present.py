"""How shop objects are shown, once for the API and the pages: labels rendered from the catalogue, buyers' data
masked unless the caller may unmask and asked to (each unmask audited), staff shown by staff number."""

from __future__ import annotations

from kefu.audit.masking import mask_name, mask_phone, mask_text
from kefu.audit.models import AuditRecord
from kefu.audit.services import can_unmask, record
from kefu.messages import Msg, render
from kefu.workflow import available

from . import rules
from .machine import CASE
from .models import AfterSalesCase, ShopOrder


def may_unmask(scope, asked: bool) -> bool:
    return bool(asked) and can_unmask(scope.user)


def audit_unmask(scope, object_type: str, pk: int, fields: str) -> None:
    record(
        getattr(scope, "request", None),
        AuditRecord.Action.UNMASK,
        object_type=object_type,
        ids=[pk],
        fields=fields,
        user=scope.user,
    )


def order_out(order: ShopOrder, unmasked: bool = False) -> dict:
    return {
        "id": order.pk,
        "shop_id": order.shop_id,
        "order_no": order.order_no,
        "buyer_wangwang": order.buyer_wangwang,
        "payment": order.payment,
        "payment_label": render(f"shop.payment.{order.payment}"),
        "auto_placed": order.auto_placed,
        "placed_at": order.placed_at,
        "paid_at": order.paid_at,
        "amount": order.amount,
        "owner_no": order.owner.staff_no if order.owner_id else "",
        "follow_up_no": order.follow_up.staff_no if order.follow_up_id else "",
        "contact": order.contact_name if unmasked else mask_name(order.contact_name),
        "phone": order.phone if unmasked else mask_phone(order.phone),
        "address": order.address if unmasked else mask_text(order.address),
        "logistics": order.logistics,
        "tracking_no": order.tracking_no,
        "remark": order.remark,
        "remark_agent": order.remark_agent,
        "remark_flag": order.remark_flag,
        "flag_label": render(f"shop.flag.{order.remark_flag}"),
        "confirmed_at": order.confirmed_at,
        "source": order.source,
        "version": order.version,
        "lines": [
            {
                "item_no": x.item_no,
                "title": x.title,
                "size": x.size,
                "colour": x.colour,
                "quantity": x.quantity,
                "price": x.price,
            }
            for x in order.lines.all()
        ],
    }


def case_out(case: AfterSalesCase, scope, unmasked: bool = False) -> dict:
    return {
        "id": case.pk,
        "order_id": case.order_id,
        "order_no": case.order.order_no,
        "kind": case.kind,
        "kind_label": render(f"shop.kind.{case.kind}"),
        "reason": case.reason,
        "reason_label": render(f"shop.reason.{case.reason}"),
        "state": case.state,
        "state_label": str(CASE.state_label(case.state)),
        "outbound_payer": render(f"shop.payer.{case.outbound_payer}"),
        "return_payer": render(f"shop.payer.{case.return_payer}"),
        "refusals": [str(Msg.from_data(r)) for r in case.refusals],
        "buyer_wangwang": case.buyer_wangwang,
        "buyer_name": case.buyer_name if unmasked else mask_name(case.buyer_name),
        "payment_account": case.payment_account if unmasked else mask_text(case.payment_account, keep=2),
        "amount": case.amount,
        "refunded_amount": case.refunded_amount,
        "return_tracking_no": case.return_tracking_no,
        "note_in_parcel": case.note_in_parcel,
        "reship_tracking_no": case.reship_tracking_no,
        "handler_no": case.handler.staff_no if case.handler_id else "",
        "created_at": case.created_at,
        "version": case.version,
        "actions": [
            {
                "name": t.name,
                "label": str(CASE.transition_label(t)),
                "requires": list(t.requires),
                "allows": list(t.allows),
            }
            for t in available(CASE, scope, case)
        ],
        "events": [
            {"text": render(e.code, e.params), "at": e.at, "actor_no": e.actor.staff_no if e.actor_id else ""}
            for e in case.events.all()
        ],
    }


def stat_out(stat) -> dict:
    rate = rules.conversion_rate(stat.served, stat.bought)
    return {
        "staff_no": stat.staff.staff_no,
        "day": stat.day,
        "served": stat.served,
        "bought": stat.bought,
        "conversion": rate,
    }
