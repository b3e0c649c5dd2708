"""Every read of customer data leaves an audit record (issue 13; 004:L2045 客户资料的查询须留痕): the API's GET
operations, the pages and the admin site are walked as the first center's staff holding every role (and, for the
admin site, a superuser with a staff record). An answer that shows the customer — the phone full or masked, the name
full or masked — must have written a record in the same request.

Generated, not listed: the operations from the OpenAPI schema, the pages from the URL configuration (every page
without a parameter, and the pages of one object for the parameters in PAGE_OBJECTS), the admin pages from the
admin site's registry. A new page, operation or admin model that shows customers without a record fails here.
"""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from kefu.audit.masking import mask_name, mask_phone
from kefu.audit.models import AuditRecord
from kefu.org.admin_scope import center_path
from kefu.tests.test_scope_matrix import (
    OPERATIONS,
    _answer_texts,
    _kind,
    _query,
    _url,
    find_or_make,
    world,  # noqa: F401  (the two centers)
)

# Page parameters naming one object: the first center's row of this model fills them.
PAGE_OBJECTS = {
    "order_id": "tickets.Order",
    "task_id": "followup.Task",
    "handover_id": "shiftlog.Handover",
    "customer_id": "customers.Customer",
    "attachment_id": "workbench.Attachment",
}
# Pages that change something when opened by GET, or stream without a page: not walked.
SKIP_PAGES = {"logout", "admin"}


def _customer_marks(world) -> set[str]:
    customer = find_or_make("customers.Customer", world)
    return {customer.phone, mask_phone(customer.phone), customer.name, mask_name(customer.name)}


def _shows_customer(texts: set[str] | str, marks: set[str]) -> bool:
    if isinstance(texts, str):
        return any(m in texts for m in marks)
    return any(m in t for t in texts for m in marks)


def _client(staff):
    from django.test import Client

    client = Client()
    client.force_login(staff.user)
    return client


def _walk(client, urls, marks) -> tuple[list[str], list[str]]:
    """(those showing the customer without a record, those showing the customer)."""
    missing, showing = [], []
    for label, url, query in urls:
        before = AuditRecord.objects.count()
        answer = client.get(url, query)
        if answer.status_code != 200 or getattr(answer, "streaming", False):
            continue
        kind = answer.get("Content-Type", "")
        texts = (
            _answer_texts(answer)
            if ("json" in kind or "spreadsheetml" in kind)
            else answer.content.decode(errors="replace")
        )
        if _shows_customer(texts, marks):
            showing.append(label)
            if AuditRecord.objects.count() == before:
                missing.append(f"{label} ({url})")
    return missing, showing


def _api_urls(world):
    for method, path, spec in OPERATIONS:
        kind = _kind(method, path, spec)
        if method != "GET" or kind not in ("read", "list"):
            continue
        url = _url(path, world) if kind == "read" else path.replace("{month}", "2026-12")
        yield spec["operationId"], url, _query(spec, world, own=True)


def _patterns(resolver=None, prefix="", namespace=""):
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _patterns(entry, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield (
                f"{namespace}{entry.name}",
                entry.pattern.regex.groupindex.keys() or list(getattr(entry.pattern, "converters", {}).keys()),
            )


def _page_urls(world):
    for name, params in _patterns():
        if name.split(":")[0] in SKIP_PAGES or name.startswith("api") or any(p not in PAGE_OBJECTS for p in params):
            continue
        kwargs = {p: find_or_make(PAGE_OBJECTS[p], world).pk for p in params}
        try:
            url = reverse(name, kwargs=kwargs)
        except Exception:  # noqa: BLE001  (a pattern whose parameters are not plain ones)
            continue
        yield name, url, {}


def _admin_urls(world):
    from django.apps import apps

    for model in apps.get_models():
        if not admin.site.is_registered(model):
            continue
        meta = model._meta
        yield f"{meta.label} 列表", reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"), {}
        path = center_path(model)
        row = model.objects.filter(**{path: world.a.pk}).first() if path else None
        if row is not None:
            yield f"{meta.label} 详情", reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[row.pk]), {}


@pytest.fixture
def marks(world):
    return _customer_marks(world)


def test_every_api_read_of_customer_data_is_audited(world, marks):
    missing, showing = _walk(_client(world.a_omni), list(_api_urls(world)), marks)
    assert {"tickets.detail", "tickets.list", "tickets.export"} <= set(showing)
    assert not missing, f"这些接口显示客户信息但没有审计记录：{missing}"


def test_every_page_with_customer_data_is_audited(world, marks):
    missing, showing = _walk(_client(world.a_omni), list(_page_urls(world)), marks)
    assert "tickets:detail" in showing
    assert not missing, f"这些页面显示客户信息但没有审计记录：{missing}"


def test_every_admin_page_with_customer_data_is_audited(world, marks):
    from django.contrib.auth.models import User

    User.objects.filter(pk=world.a_omni.user_id).update(is_staff=True, is_superuser=True)
    find_or_make("telephony.Call", world)
    before = AuditRecord.objects.count()
    missing, showing = _walk(_client(world.a_omni), list(_admin_urls(world)), marks)
    assert {"customers.Customer 列表", "customers.Customer 详情"} <= set(showing)
    assert not missing, f"这些后台页面显示客户信息但没有审计记录：{missing}"
    # the order's page holds the customer's own words (subject, description) without the phone: read, recorded
    order = find_or_make("tickets.Order", world)
    assert AuditRecord.objects.filter(
        pk__gt=before,
        channel=AuditRecord.Channel.ADMIN,
        object_type="tickets.order",
        object_ids=str(order.pk),
        center=world.a,
    ).exists()
    # the call list shows callers' numbers (masked): its reads are recorded too
    assert AuditRecord.objects.filter(
        pk__gt=before, channel=AuditRecord.Channel.ADMIN, object_type="telephony.call"
    ).exists()
