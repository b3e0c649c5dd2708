"""Bad input from outside (issue 12): control characters in an order never reach the database or break the Excel
export; an impossible date in the order form or a transition is named, never a 500."""

from __future__ import annotations

import io
import json

import pytest
from openpyxl import load_workbook

from kefu.tickets.models import Order

BAD = "话费\x00多\x1b扣"


def post(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


@pytest.mark.django_db
def test_control_characters_in_an_api_order_are_cleaned(org, client_for):
    """NUL answered 500 on PostgreSQL; ESC was stored and broke the export."""
    r = post(
        client_for(org.agent),
        "/api/tickets/orders",
        {
            "kind": "complaint",
            "phone": "13800138000",
            "subject": BAD,
            "description": "第一行\r\n第二\x07行",
            "customer_name": "张\x00三",
        },
    )
    assert r.status_code == 201, r.content
    order = Order.objects.get(pk=r.json()["id"])
    assert (order.subject, order.description, order.customer.name) == ("话费多扣", "第一行\r\n第二行", "张三")


@pytest.mark.django_db
def test_control_characters_in_the_order_form_are_cleaned(org, client_for):
    r = client_for(org.agent).post(
        "/tickets/", {"kind": "consultation", "phone": "13800138000", "subject": BAD, "description": "怎么\x1b办理\x00"}
    )
    assert r.status_code == 302, r.content.decode()[:300]
    assert Order.objects.values_list("subject", "description").get() == ("话费多扣", "怎么办理")


@pytest.mark.django_db
def test_the_export_survives_control_characters_already_stored(org, client_for, new_order):
    order = new_order()
    Order.objects.filter(pk=order.pk).update(subject="话费\x1b[31m多扣\x08", description="=1+1")
    new_order(subject='=HYPERLINK("http://example.com","点击")')
    r = client_for(org.supervisor).get("/api/tickets/orders-export")
    assert r.status_code == 200
    sheet = load_workbook(io.BytesIO(r.content)).active
    subjects = {row[5].value: row[5].data_type for row in sheet.iter_rows(min_row=2)}
    assert subjects == {"话费[31m多扣": "s", '=HYPERLINK("http://example.com","点击")': "s"}


@pytest.mark.django_db
@pytest.mark.parametrize("field, label", [("callback_at", "预约回呼时间"), ("event_time", "事件发生时间")])
def test_an_impossible_date_in_the_order_form_is_named(org, client_for, field, label):
    r = client_for(org.agent).post(
        "/tickets/",
        {
            "kind": "complaint",
            "phone": "13800138000",
            "subject": "话费多扣",
            "description": "多扣50元",
            field: "2026-02-30T10:00",
        },
    )
    assert r.status_code == 400
    assert f"{label}：2026-02-30T10:00 不是有效的日期时间" in r.content.decode()
    assert not Order.objects.exists()


@pytest.fixture
def reviewed(org, new_order, fire):
    order = new_order()
    fire(order, "review", org.dispatcher, review_opinion="有效")
    return Order.objects.get(pk=order.pk)


@pytest.mark.django_db
def test_an_impossible_deadline_in_a_transition_is_a_400_naming_it(org, client_for, reviewed):
    r = post(
        client_for(org.dispatcher),
        f"/api/tickets/orders/{reviewed.pk}/transitions",
        {
            "name": "dispatch",
            "version": reviewed.version,
            "dispatch_opinion": "核查",
            "department": "billing",
            "handling_deadline": "2026-02-30T10:00",
        },
    )
    assert r.status_code == 400, r.content
    problem = r.json()["detail"][0]
    assert problem["field"] == "handling_deadline" and "2026-02-30T10:00 不是有效的日期时间" in problem["message"]
    assert Order.objects.get(pk=reviewed.pk).state == reviewed.state


@pytest.mark.django_db
def test_an_impossible_deadline_on_the_order_page_is_named(org, client_for, reviewed):
    r = client_for(org.dispatcher).post(
        f"/tickets/orders/{reviewed.pk}/fire/",
        {
            "name": "dispatch",
            "version": reviewed.version,
            "dispatch_opinion": "核查",
            "department": "billing",
            "handling_deadline": "2026-02-30T10:00",
        },
    )
    assert r.status_code == 400
    assert "2026-02-30T10:00 不是有效的日期时间" in r.content.decode()
    assert Order.objects.get(pk=reviewed.pk).version == reviewed.version


@pytest.mark.django_db
def test_control_characters_in_a_transition_through_the_api_are_cleaned(org, client_for, new_order):
    """The transition's fields are read beside name and version; they went to the database uncleaned."""
    order = new_order()
    r = post(
        client_for(org.dispatcher),
        f"/api/tickets/orders/{order.pk}/transitions",
        {"name": "review", "version": order.version, "review_opinion": "有\x00效\x1b"},
    )
    assert r.status_code == 200, r.content
    assert Order.objects.get(pk=order.pk).review_opinion == "有效"
