"""Use cases for customers. Every write goes through here."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from kefu.audit.crypto import digest
from kefu.customers.models import Customer
from kefu.customers.phones import normalize_phone
from kefu.errors import RuleViolation
from kefu.prepared import RowPlan


def clean_phone(raw: str, field: str = "phone") -> str:
    phone = normalize_phone(raw)
    if phone is None:
        raise RuleViolation(
            f"电话号码格式不正确：应为11位手机号、带区号的固话或服务号码（收到“{str(raw)[:20]}”）",
            field=field,
            rule="phone_format",
        )
    return phone


def find_by_phone(center, raw_phone: str) -> Customer | None:
    phone = normalize_phone(raw_phone)
    if phone is None:
        return None
    return Customer.objects.filter(center=center, phone_digest=digest(phone)).first()


# Customer.objects.select_for_update().get(center=..., phone_digest=...), asked by every order accepted:
# built once (see kefu.prepared).
_BY_PHONE_FOR_UPDATE = RowPlan(
    [(Customer, "k")],
    lambda n: (
        f"FROM {n.table(Customer)} k WHERE k.{n.col(Customer, 'center')} = %s AND k.{n.col(Customer, 'phone_digest')} = %s"
    ),
    lock="k",
)


def upsert_customer(
    center,
    *,
    phone: str,
    name: str = "",
    kind: str | None = None,
    is_vip: bool | None = None,
    service_number: str = "",
    address: str = "",
) -> Customer:
    """Find the customer by phone or create one; fill in what the caller told us this time."""
    return upsert_customer_created(
        center, phone=phone, name=name, kind=kind, is_vip=is_vip, service_number=service_number, address=address
    )[0]


def upsert_customer_created(
    center,
    *,
    phone: str,
    name: str = "",
    kind: str | None = None,
    is_vip: bool | None = None,
    service_number: str = "",
    address: str = "",
) -> tuple[Customer, bool]:
    """upsert_customer, also saying whether the customer is new (a new customer has no history to look up)."""
    phone = clean_phone(phone)
    if len(name) > 50:
        raise RuleViolation("客户姓名不能超过50个字符", field="customer_name", rule="max_length")
    if kind is not None and kind not in Customer.Kind.values:
        raise RuleViolation(f"客户类型不正确：{kind}", field="customer_kind", rule="choice")
    if service_number:
        service_number = clean_phone(service_number, field="service_number")
    phone_digest = digest(phone)
    # Checked above, so the rows are written in the caller's transaction without a savepoint of their own.
    with transaction.atomic(savepoint=False):
        for attempt in (1, 2):
            found = _BY_PHONE_FOR_UPDATE.fetch([center.pk, phone_digest])
            customer = found[0] if found else None
            created = customer is None
            if created:
                customer = Customer(center=center, phone=phone, phone_digest=phone_digest)
            if name:
                customer.name = name
            if kind:
                customer.kind = kind
            if is_vip is not None:
                customer.is_vip = is_vip
            if service_number:
                customer.service_number = service_number
                customer.service_number_digest = digest(service_number)
            if address:
                customer.address = address[:200]
            customer.last_contact_at = timezone.now()
            if not created:
                customer.save()
                break
            try:
                with transaction.atomic():
                    customer.save()
                break
            except IntegrityError:
                # PostgreSQL: another agent registered the same new caller a moment ago; take that row.
                if attempt == 2:
                    raise
    return customer, created
