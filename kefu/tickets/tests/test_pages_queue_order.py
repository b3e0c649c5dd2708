"""The dispatcher's queue follows the flow: review first, archive last (QA finding: replied orders came first)."""

import pytest

from kefu.tickets import machine, selectors


@pytest.mark.django_db
def test_dispatcher_queue_is_ordered_by_stage(center, make_staff):
    from kefu.customers.services import upsert_customer
    from kefu.tickets.models import Order

    customer = upsert_customer(center, phone="13800138000", name="张三")
    from django.utils import timezone

    now = timezone.now()
    agent = make_staff("agent")
    for n, state in enumerate([machine.REPLIED, machine.REVIEWED, machine.RESOLVED, machine.ACCEPTED]):
        Order.objects.create(
            center=center,
            number=f"GD-T{n}",
            kind=machine.COMPLAINT,
            state=state,
            customer=customer,
            acceptor=agent,
            subject="测试",
            description="测试",
            accepted_at=now,
            due_at=now,
        )
    states = [o.state for o in selectors.dispatcher_queue(center)]
    assert states == [machine.ACCEPTED, machine.REVIEWED, machine.RESOLVED, machine.REPLIED]
    assert [o.state for o in selectors.dispatcher_queue(center, machine.RESOLVED)] == [machine.RESOLVED]
