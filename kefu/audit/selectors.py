"""Reads of the audit log for the auditor: records found by order number, customer (phone through the keyed digest),
staff (number or name), action, channel, object and time; and the objects of each record named as a person names
them ("工单 GD202612070012", "客户 139****5678", "张三 (1001)"), not as stored ("tickets.order", "12").

The audit app sits in the ground layer: it reads the records' objects through the app registry (apps.get_model),
never by importing the apps above it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.apps import apps
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kefu.audit.masking import mask_phone
from kefu.audit.models import AuditRecord
from kefu.errors import RuleViolation
from kefu.web.inputs import parse_moment

ORDER_TYPES = ("tickets.order", "order")
CUSTOMER_TYPES = ("customers.customer", "customer")
_ORDER_NUMBER = re.compile(r"GD\d{8,12}", re.IGNORECASE)
NAMES_SHOWN = 3  # a list read names its first objects and says how many there are

# How each object type is called (types not listed are shown by this name, or "其他对象").
TYPE_LABELS = {
    "tickets.order": gettext_lazy("工单"),
    "order": gettext_lazy("工单"),
    "customers.customer": gettext_lazy("客户"),
    "customer": gettext_lazy("客户"),
    "workbench.attachment": gettext_lazy("工单附件"),
    "telephony.call": gettext_lazy("通话"),
    "telephony.caller": gettext_lazy("主叫号码"),
    "followup.survey": gettext_lazy("满意度调查"),
    "followup.campaign": gettext_lazy("外呼活动"),
    "followup.optout": gettext_lazy("拒绝回访登记"),
    "tickets.case": gettext_lazy("典型案例"),
    "typical_case": gettext_lazy("典型案例"),
    "user": gettext_lazy("登录账号"),
    "staff": gettext_lazy("员工"),
    "handover": gettext_lazy("交接班日志"),
    "export": gettext_lazy("导出文件"),
    "audit.record": gettext_lazy("审计记录"),
    "audit.field_key": gettext_lazy("字段加密密钥"),
    "request": gettext_lazy("申请"),
}


def type_label(object_type: str) -> str:
    return str(TYPE_LABELS.get(object_type, _("其他对象")))


def _ids_regex(ids) -> str:
    """A regex matching a comma-separated id list holding any of `ids` (12 matches "5,12,30", not "123")."""
    return r"(^|,)(" + "|".join(re.escape(str(i)) for i in ids) + r")(,|$)"


@dataclass
class Criteria:
    values: dict = field(default_factory=dict)  # as typed, for the form and the export's note
    errors: dict = field(default_factory=dict)  # field -> message


FIELDS = ("order", "customer", "staff_no", "action", "channel", "object_type", "object_id", "since", "until")


def _moment(raw: str, name: str, label: str, errors: dict) -> datetime | None:
    try:
        return parse_moment(raw, label, field=name)
    except RuleViolation as exc:  # malformed or impossible (2026-02-30): named beside the field, never a 500
        errors[name] = exc.problems[0].message
        return None


def _order_ids(scope, number: str) -> list[int]:
    """The order's id: of a living order of the center, or of one retention destroyed (its destruction record)."""
    order_model = apps.get_model("tickets", "Order")
    found = list(scope.filter(order_model.objects.filter(number=number)).values_list("pk", flat=True))
    if found:
        return found
    destroyed = _destructions(scope.center).filter(note__contains=number)
    return [int(i) for ids in destroyed.values_list("object_ids", flat=True) for i in ids.split(",") if i.isdigit()]


def _destructions(center):
    """Records of orders destroyed by retention. The retention timer writes them without a center (a system task);
    order numbers are unique across centers, and the records found through them are still the caller's center's."""
    return AuditRecord.objects.filter(
        Q(center=center) | Q(center__isnull=True), action=AuditRecord.Action.DESTROY, object_type__in=ORDER_TYPES
    )


def _by_order(scope, number: str, errors: dict) -> Q | None:
    number = number.strip().upper()
    if not _ORDER_NUMBER.fullmatch(number):
        errors["order"] = _("工单号：“%(value)s”不是工单流水号（如 GD202612070012）") % {"value": number[:30]}
        return None
    ids = _order_ids(scope, number)
    if not ids:
        errors["order"] = _("工单号：本中心没有工单 %(number)s") % {"number": number}
        return None
    attachment_ids = list(
        apps.get_model("workbench", "Attachment").objects.filter(order_id__in=ids).values_list("pk", flat=True)
    )
    query = Q(object_type__in=ORDER_TYPES, object_ids__regex=_ids_regex(ids)) | Q(note__contains=number)
    if attachment_ids:
        query |= Q(object_type="workbench.attachment", object_ids__regex=_ids_regex(attachment_ids))
    return query


def _by_customer(scope, phone: str, errors: dict) -> Q | None:
    from kefu.audit.crypto import digest
    from kefu.customers.models import Customer
    from kefu.customers.phones import normalize_phone

    normalized = normalize_phone(phone)
    if normalized is None:
        errors["customer"] = _("客户电话：“%(value)s”不是电话号码") % {"value": phone[:30]}
        return None
    key = digest(normalized)
    customer = scope.filter(Customer.objects.filter(Q(phone_digest=key) | Q(service_number_digest=key))).first()
    if customer is None:
        errors["customer"] = _("客户电话：本中心没有这个号码的客户")
        return None
    order_ids = list(
        scope.filter(apps.get_model("tickets", "Order").objects.filter(customer=customer)).values_list("pk", flat=True)
    )
    query = Q(object_type__in=CUSTOMER_TYPES, object_ids__regex=_ids_regex([customer.pk]))
    if order_ids:
        query |= Q(object_type__in=ORDER_TYPES, object_ids__regex=_ids_regex(order_ids))
    return query


def _by_staff(scope, text: str) -> Q:
    """A staff number, or a name of the center's staff (every staff member of that name)."""
    from kefu.org.models import Staff

    numbers = {text} | set(scope.filter(Staff.objects.filter(name=text)).values_list("staff_no", flat=True))
    return Q(staff_no__in=numbers)


def search(params, scope) -> tuple[object, Criteria]:
    """(queryset, criteria) of the caller's center's records, newest first. Invalid criteria are reported beside
    their field, never silently dropped (the queryset is then empty)."""
    crit = Criteria(values={key: (params.get(key) or "").strip() for key in FIELDS})
    v, errors = crit.values, crit.errors
    qs = scope.filter(AuditRecord.objects.select_related("actor"))
    if v["order"]:
        q = _by_order(scope, v["order"], errors)
        qs = qs.filter(q) if q is not None else qs
    if v["customer"]:
        q = _by_customer(scope, v["customer"], errors)
        qs = qs.filter(q) if q is not None else qs
    if v["staff_no"]:
        qs = qs.filter(_by_staff(scope, v["staff_no"]))
    if v["action"]:
        if v["action"] not in AuditRecord.Action.values:
            errors["action"] = _("动作不正确：%(value)s") % {"value": v["action"]}
        else:
            qs = qs.filter(action=v["action"])
    if v["channel"]:
        if v["channel"] not in AuditRecord.Channel.values:
            errors["channel"] = _("途径不正确：%(value)s") % {"value": v["channel"]}
        else:
            qs = qs.filter(channel=v["channel"])
    if v["object_type"]:
        qs = qs.filter(object_type=v["object_type"])
    if v["object_id"]:
        qs = qs.filter(object_ids__regex=_ids_regex([v["object_id"]]))
    since = _moment(v["since"], "since", _("开始时间"), errors)
    until = _moment(v["until"], "until", _("结束时间"), errors)
    if since and until and until <= since:
        errors["until"] = _("结束时间须晚于开始时间")
    if since:
        qs = qs.filter(at__gte=since)
    if until:
        qs = qs.filter(at__lt=until)
    if errors:
        qs = AuditRecord.objects.none()
    return qs, crit


# ---------------------------------------------------------------- naming the objects


def ids_of(record) -> list[str]:
    return [i for i in (record.object_ids or "").split(",") if i]


def _local(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _staff_label(name: str, number: str) -> str:
    from kefu.web.people import staff_label

    return staff_label(name=name, number=number)


def _namers(center) -> dict:
    """object type -> function(ids) -> {id: name}, each one query for all the ids of a page."""

    def orders(ids):
        order_model = apps.get_model("tickets", "Order")
        found = {
            str(pk): _("工单 %(number)s") % {"number": n}
            for pk, n in order_model.objects.filter(center=center, pk__in=ids).values_list("pk", "number")
        }
        missing = [i for i in ids if i not in found]
        if missing:  # destroyed by retention: the number is in the destruction's record
            for rec in _destructions(center).filter(object_ids__in=missing):
                number = _ORDER_NUMBER.search(rec.note or "")
                found[rec.object_ids] = _("工单 %(number)s（已销毁）") % {"number": number.group() if number else ""}
        return found

    def customers(ids):
        from kefu.customers.models import Customer

        return {
            str(c.pk): _("客户 %(phone)s") % {"phone": mask_phone(c.phone)}
            for c in Customer.objects.filter(center=center, pk__in=ids)
        }

    def attachments(ids):
        model = apps.get_model("workbench", "Attachment")
        return {
            str(a.pk): _("附件 %(name)s（工单 %(number)s）") % {"name": a.name, "number": a.order.number}
            for a in model.objects.filter(center=center, pk__in=ids).select_related("order").defer("content")
        }

    def calls(ids):
        model = apps.get_model("telephony", "Call")
        return {
            str(c.pk): _("通话 %(at)s %(agent)s")
            % {"at": _local(c.offered_at), "agent": _staff_label(c.agent.name if c.agent else "", c.agent_staff_no)}
            for c in model.objects.filter(center=center, pk__in=ids).select_related("agent")
        }

    def callers(ids):
        model = apps.get_model("telephony", "Caller")
        return {
            str(c.pk): (_("主叫号码 %(phone)s") % {"phone": mask_phone(c.number)})
            if c.number
            else _("主叫号码（已销毁）")
            for c in model.objects.filter(center=center, pk__in=ids)
        }

    def surveys(ids):
        model = apps.get_model("followup", "Survey")
        return {
            str(s.pk): _("满意度调查（工单 %(number)s）") % {"number": s.order.number}
            for s in model.objects.filter(center=center, pk__in=ids).select_related("order")
        }

    def campaigns(ids):
        model = apps.get_model("followup", "Campaign")
        return {
            str(c.pk): _("外呼活动 %(name)s") % {"name": c.name}
            for c in model.objects.filter(center=center, pk__in=ids)
        }

    def users(ids):
        from django.contrib.auth import get_user_model

        from kefu.org.models import Staff

        numbers = {
            str(s.user_id): _staff_label(s.name, s.staff_no)
            for s in Staff.objects.filter(center=center, user_id__in=ids)
        }
        return {
            str(u.pk): numbers.get(str(u.pk), u.get_username()) for u in get_user_model().objects.filter(pk__in=ids)
        }

    return {
        "tickets.order": orders,
        "order": orders,
        "customers.customer": customers,
        "customer": customers,
        "workbench.attachment": attachments,
        "telephony.call": calls,
        "telephony.caller": callers,
        "followup.survey": surveys,
        "followup.campaign": campaigns,
        "user": users,
    }


def name_records(center, records) -> None:
    """Set on each record `object_names` (the first objects named as a person would), `object_more` (how many
    more) and `staff_label` ("张三 (1001)"), with one query per object type and one for the staff."""
    from kefu.org.models import Staff

    records = list(records)
    wanted: dict[str, set[str]] = defaultdict(set)
    for r in records:
        wanted[r.object_type].update(ids_of(r)[:NAMES_SHOWN])
    namers = _namers(center)
    names: dict[str, dict[str, str]] = {}
    for object_type, ids in wanted.items():
        namer = namers.get(object_type)
        digits = [i for i in ids if i.isdigit()]
        names[object_type] = namer(digits) if namer and digits else {}
    staff = dict(
        Staff.objects.filter(center=center, staff_no__in={r.staff_no for r in records if r.staff_no}).values_list(
            "staff_no", "name"
        )
    )
    for r in records:
        ids = ids_of(r)
        label = type_label(r.object_type)
        found = names.get(r.object_type, {})
        r.object_names = [found.get(i) or _("%(what)s（已不存在）") % {"what": label} for i in ids[:NAMES_SHOWN]]
        if not ids:
            r.object_names = [label]
        r.object_more = max(0, len(ids) - NAMES_SHOWN)
        r.customers_named = [int(i) for i in ids[:NAMES_SHOWN] if r.object_type in CUSTOMER_TYPES and i in found]
        r.staff_label = _staff_label(staff.get(r.staff_no, ""), r.staff_no)


def customers_shown(records) -> list[int]:
    """Ids of the customers whose (masked) phone the named records show (name_records first): the page or export
    that shows them records the read."""
    return sorted({i for r in records for i in getattr(r, "customers_named", [])})
