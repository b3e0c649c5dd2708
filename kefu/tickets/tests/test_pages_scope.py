"""The order pages resolve the caller once (kefu.scope.caller) and show a department handler his department's orders
only; another center's order is not found (issue 13, item 3)."""

import pytest

from kefu.tickets.models import Order


@pytest.fixture
def at_billing(org, new_order, fire):
    order = new_order()
    fire(order, "review", org.dispatcher, review_opinion="属实")
    fire(order, "dispatch", org.dispatcher, dispatch_opinion="请核查话费", department=org.depts["billing"].pk)
    return Order.objects.get(pk=order.pk)


def test_handler_opens_his_departments_order_only(org, at_billing, client_for):
    url = f"/tickets/orders/{at_billing.pk}/"
    assert client_for(org.handler).get(url).status_code == 200
    assert client_for(org.net_handler).get(url).status_code == 404  # the network department's handler


def test_handler_cannot_fire_on_another_departments_order(org, at_billing, client_for):
    response = client_for(org.net_handler).post(
        f"/tickets/orders/{at_billing.pk}/fire/",
        {"name": "resolve", "version": at_billing.version, "result": "已核实", "cause": "计费错误"},
    )
    assert response.status_code == 404
    assert Order.objects.get(pk=at_billing.pk).state == "processing"


def test_department_queue_lists_the_handlers_department_only(org, at_billing, client_for):
    own = client_for(org.handler).get("/tickets/department/").content.decode()
    other = (
        client_for(org.net_handler).get(f"/tickets/department/?department={org.depts['billing'].pk}").content.decode()
    )
    assert at_billing.number in own
    assert at_billing.number not in other  # asking for billing's queue still shows his own (network)


def test_another_centers_order_is_not_found(org, at_billing, client_for):
    from kefu.org import services as org_services

    other = org_services.create_center("other", "另一中心")
    outsider = org_services.create_staff(
        other,
        staff_no="7001",
        name="外中心调度",
        roles=["dispatcher", "supervisor"],
        username="u7001",
        password="x-Pass-12345",
    )
    client = client_for(outsider)
    assert client.get(f"/tickets/orders/{at_billing.pk}/").status_code == 404
    assert at_billing.number not in client.get("/tickets/dispatch/").content.decode()
    assert at_billing.number not in client.get("/tickets/board/").content.decode()
