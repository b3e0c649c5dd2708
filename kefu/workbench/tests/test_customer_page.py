"""The customer page (issue 17 item 3): the whole history of a caller — orders, calls, callbacks / return visits,
surveys — masked, its read recorded; the full number only for those who may unmask, audited; another center's
customer is 404."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from kefu.audit.models import AuditRecord


@pytest.fixture
def history(db, center, make_staff):
    from kefu.audit.crypto import digest
    from kefu.followup.models import Survey, Task
    from kefu.telephony.models import Call, Caller, ImportBatch
    from kefu.tickets import services as tickets

    agent = make_staff("agent", staff_no="2001", name="张三")
    senior = make_staff("senior_agent", staff_no="3001", name="李四")
    order = tickets.create_order(
        center,
        agent,
        {
            "kind": "complaint",
            "phone": "13912345678",
            "customer_name": "王五",
            "subject": "宽带断网三天",
            "description": "家里宽带断网三天了",
            "category": "network",
            "level": 2,
        },
    )
    customer = order.customer
    now = timezone.now()
    caller = Caller.objects.create(center=center, number="13912345678", number_digest=digest("13912345678"))
    batch = ImportBatch.objects.create(center=center, file_name="calls.csv", rows=1)
    Call.objects.create(
        center=center,
        batch=batch,
        call_id="c-1",
        caller=caller,
        offered_at=now - timedelta(hours=2),
        outcome="answered",
        talk_seconds=185,
        agent=agent,
        agent_staff_no=agent.staff_no,
    )
    Call.objects.create(
        center=center,
        batch=batch,
        call_id="c-old",
        caller=caller,
        offered_at=now - timedelta(days=400),
        outcome="answered",
        agent_staff_no=agent.staff_no,
    )
    Task.objects.create(
        center=center,
        kind="return_visit",
        reason_code="followup.reason.x",
        customer=customer,
        order=order,
        owner=senior,
        due_at=now + timedelta(days=1),
        source="manual",
        created_at=now,
    )
    Survey.objects.create(
        center=center,
        order=order,
        customer=customer,
        nonce="n",
        sent_at=now,
        answer="satisfied",
        state="answered",
        answered_at=now,
        expires_at=now + timedelta(days=3),
        comment="很快修好了",
    )
    return customer, order, agent, senior


def test_the_page_shows_the_whole_history_masked_and_records_its_read(history, client_for):
    customer, order, agent, senior = history
    client = client_for(agent)
    before = AuditRecord.objects.count()
    answer = client.get(f"/workbench/customers/{customer.pk}/")
    html = answer.content.decode()
    assert answer.status_code == 200
    assert "139****5678" in html and "13912345678" not in html and "王*" in html and "王五" not in html
    assert order.number in html and "宽带断网三天" in html  # orders
    assert "张三 (2001)" in html and "185 秒" in html  # the call of today, by name and number
    assert html.count("<td>已接听</td>") == 1  # the call of 400 days ago is outside the 90 days shown
    assert "投诉回访" in html and "李四 (3001)" in html  # the return visit
    assert "很快修好了" in html  # the survey
    assert AuditRecord.objects.count() == before + 1
    rec = AuditRecord.objects.latest("id")
    assert (rec.action, rec.object_type, rec.object_ids, rec.staff_no) == (
        "read",
        "customers.customer",
        str(customer.pk),
        "2001",
    )


def test_only_who_may_unmask_sees_the_number_and_it_is_audited(history, client_for):
    customer, order, agent, senior = history
    assert "cu-unmask" not in client_for(agent).get(f"/workbench/customers/{customer.pk}/").content.decode()
    assert client_for(agent).post(f"/workbench/customers/{customer.pk}/unmask/").status_code == 403
    answer = client_for(senior).post(f"/workbench/customers/{customer.pk}/unmask/")
    assert answer.status_code == 200 and "13912345678" in answer.content.decode()
    assert AuditRecord.objects.filter(
        action="unmask", object_type="customers.customer", object_ids=str(customer.pk), staff_no="3001"
    ).exists()


def test_another_center_and_the_department_handler_get_no_history(history, client_for, make_staff):
    from kefu.org import services as org_services

    customer = history[0]
    other = org_services.create_center("other", "他中心")
    stranger = org_services.create_staff(
        other, staff_no="9901", name="他人", roles=["agent"], username="u9901", password="Kefu-test-2026!"
    )
    assert client_for(stranger).get(f"/workbench/customers/{customer.pk}/").status_code == 404
    assert client_for(make_staff("dept_handler")).get(f"/workbench/customers/{customer.pk}/").status_code == 403
    assert client_for(stranger).get("/workbench/customers/abc/").status_code == 404


def test_the_order_page_and_the_screen_pop_link_the_customer_page(history, client_for):
    customer, order, agent, senior = history
    html = client_for(agent).get(f"/tickets/orders/{order.pk}/").content.decode()
    assert f"/workbench/customers/{customer.pk}/" in html and f"/workbench/orders/{order.pk}/" in html
    assert "张三 (2001)" in html  # the acceptor by name and number
    pop = client_for(agent).get("/workbench/pop/", {"phone": "13912345678"}).content.decode()
    assert f"/workbench/customers/{customer.pk}/" in pop


def test_the_customer_and_collaboration_pages_read_in_english(history, client_for, scope_of_staff):
    from kefu.web.tests.english import assert_english, english
    from kefu.workbench import services

    customer, order, agent, senior = history
    services.add_comment(scope_of_staff(agent), order.pk, "@3001 请回访")
    client = english(client_for(agent))
    assert_english(
        client.get(f"/workbench/customers/{customer.pk}/"),
        "Customer profile",
        "Answered",
        "Complaint return visit",
        user_data=("宽带断网三天", "很快修好了", "王*"),
    )
    assert_english(
        client.get(f"/workbench/orders/{order.pk}/"),
        "Internal comments",
        "notified",
        user_data=("宽带断网三天", "@3001 请回访"),
    )
