"""Issue 13: a work-order transition is declared once. One entry added to the machine's list (the example of
docs/workflows.md) is offered on the order page with its declared fields to the roles allowed, fires through the
page and the API, and shows in the history in the reader's language: no view, template or label table changes."""

import dataclasses

import pytest

from kefu.messages import catalogue
from kefu.tickets import machine
from kefu.tickets.models import Order, OrderEvent

pytestmark = pytest.mark.django_db


def _ask_details(ctx):
    ctx.obj.review_opinion = ctx.fields["review_opinion"]


@pytest.fixture
def one_more(monkeypatch):
    """The docs' example: a dispatcher sends a reviewed order back for more details (004:L2055)."""
    extra = machine.T(
        "ask_details",
        machine.REVIEWED,
        machine.ACCEPTED,
        machine.DISPATCHERS,
        requires=("review_opinion",),
        kinds=machine.ORDINARY_KINDS,
        effect=_ask_details,
        seed="004:L2055",
    )
    transitions = [*machine.TRANSITIONS, extra]
    monkeypatch.setattr(machine, "MACHINE", dataclasses.replace(machine.MACHINE, transitions=transitions))
    monkeypatch.setattr(machine, "BY_NAME", {t.name: t for t in transitions})
    monkeypatch.setitem(catalogue(), "tickets.order.transition.ask_details", "退回补充信息")
    return extra


def test_one_entry_adds_a_transition_to_page_api_and_history(org, new_order, fire, client_for, one_more):
    order = new_order()
    fire(order, "review", org.dispatcher, review_opinion="有效投诉")
    dispatcher = client_for(org.dispatcher)
    html = dispatcher.get(f"/tickets/orders/{order.pk}/").content.decode()
    assert 'data-transition="ask_details"' in html and "退回补充信息" in html
    assert "tickets.order.transition" not in html  # labels rendered, never codes
    api = dispatcher.get(f"/api/tickets/orders/{order.pk}/transitions").json()
    assert {"name": "ask_details", "label": "退回补充信息"}.items() <= next(
        t for t in api if t["name"] == "ask_details"
    ).items()
    # the front line does not see a dispatcher's transition
    assert (
        'data-transition="ask_details"'
        not in client_for(org.agent).get(f"/tickets/orders/{order.pk}/").content.decode()
    )

    version = Order.objects.get(pk=order.pk).version
    r = dispatcher.post(f"/tickets/orders/{order.pk}/fire/", {"name": "ask_details", "version": version})
    assert r.status_code == 400 and "退回补充信息必须填写复核意见" in r.content.decode()  # the declared field, named
    r = dispatcher.post(
        f"/tickets/orders/{order.pk}/fire/",
        {"name": "ask_details", "version": version, "review_opinion": "请补充扣费月份"},
    )
    assert r.status_code == 302
    assert Order.objects.get(pk=order.pk).state == machine.ACCEPTED
    event = OrderEvent.objects.filter(order=order).last()
    assert (event.code, event.from_state, event.to_state) == (
        "tickets.order.transition.ask_details",
        "reviewed",
        "accepted",
    )
    html = dispatcher.get(f"/tickets/orders/{order.pk}/").content.decode()
    assert "<strong>退回补充信息</strong>" in html and "请补充扣费月份" in html
