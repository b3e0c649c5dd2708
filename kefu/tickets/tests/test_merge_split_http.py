"""Merge, split and "我来处理" over HTTP (issue 17, item 2): the API (typed, scoped, audited, Chinese errors) and the
order page's forms, the queues' and the search's 当前处理人 column and merged orders shown as such."""

import json

from kefu.audit.models import AuditRecord
from kefu.org import services as org_services
from kefu.tickets import machine, services
from kefu.tickets.models import Order, OrderEvent


def post(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


def fresh(order):
    return Order.objects.get(pk=order.pk)


def test_merge_over_the_api(org, new_order, client_for):
    survivor, dup = new_order(), new_order(description="再次来电")
    disp = client_for(org.dispatcher)
    url = f"/api/tickets/orders/{dup.pk}/merge"
    r = post(disp, url, {"version": 1, "into": survivor.number, "note": "重复来电"})
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["duplicate"]["state"] == "merged" and body["duplicate"]["state_label"] == "已合并"
    assert body["survivor"]["number"] == survivor.number and body["survivor"]["version"] == 2
    assert AuditRecord.objects.filter(
        object_type="tickets.order", object_ids__contains=str(dup.pk), note="tickets.order.merge"
    ).exists()
    again = post(disp, url, {"version": 1, "into": survivor.number})  # the double submit
    assert again.status_code == 409 and again.json()["detail"][0]["rule"] == "workflow.version_conflict"
    assert OrderEvent.objects.filter(order=survivor, code="tickets.event.merged_in").count() == 1
    detail = disp.get(f"/api/tickets/orders/{dup.pk}").json()
    assert detail["merged_into"] == survivor.number and detail["state_label"] == "已合并"
    events = disp.get(f"/api/tickets/orders/{survivor.pk}").json()["events"]
    assert events[-1]["code"] == "tickets.event.merged_in" and events[-1]["label"] == f"并入重复工单 {dup.number}"


def test_merge_api_refusals_are_chinese_and_change_nothing(org, new_order, client_for):
    survivor, dup = new_order(), new_order()
    disp = client_for(org.dispatcher)
    url = f"/api/tickets/orders/{dup.pk}/merge"
    r = post(disp, url, {"version": 1, "into": dup.number})
    assert r.status_code == 400
    assert r.json()["detail"] == [
        {"field": "into", "rule": "tickets.merge.itself", "message": "合并到：不能把工单合并到它自己"}
    ]
    r = post(disp, url, {"version": 1})
    assert r.status_code in (400, 422) and r.json()["detail"][0]["field"] == "into"
    assert post(client_for(org.handler), url, {"version": 1, "into": survivor.number}).status_code == 403
    assert post(client_for(org.agent), url, {"version": 1, "into": survivor.number}).status_code == 403
    other = org_services.create_center("other", "另一中心")
    stranger = org_services.create_staff(
        other, staff_no="7002", name="外中心调度", roles=["dispatcher"], username="u7002", password="Kefu-test-2026!"
    )
    r = post(client_for(stranger), url, {"version": 1, "into": survivor.number})
    assert r.status_code == 404  # another center's order is not found, never merged
    assert (fresh(dup).state, fresh(dup).version, fresh(survivor).version) == ("accepted", 1, 1)


def test_merge_api_refuses_a_survivor_of_another_center_or_already_merged_and_changes_nothing(
    org, new_order, client_for
):
    """Through the API the service gets an unsaved Order(pk=...): the survivor is still looked up in the duplicate's
    center only and checked once it is locked (004:L2013: duplicates are merged within one center, into an open
    order). Each refusal is one Chinese sentence naming the field and the rule, and writes nothing."""
    dup, third, merged = new_order(), new_order(), new_order()
    services.merge(fresh(merged), third.number, org.dispatcher, 1)  # `merged` now points at `third`
    other = org_services.create_center("other", "另一中心")
    stranger = org_services.create_staff(
        other, staff_no="7003", name="外中心客服", roles=["agent"], username="u7003", password="Kefu-test-2026!"
    )
    foreign = services.create_order(
        other, stranger, {"kind": "complaint", "phone": "13900139000", "subject": "外中心", "description": "外中心工单"}
    )
    watched = [dup, third, merged, foreign]
    before = {
        o.pk: (o.state, o.version, o.merged_into_id, o.description)
        for o in Order.objects.filter(pk__in=[o.pk for o in watched])
    }
    events, audits = OrderEvent.objects.count(), AuditRecord.objects.filter(note="tickets.order.merge").count()
    disp = client_for(org.dispatcher)
    url = f"/api/tickets/orders/{dup.pk}/merge"
    cases = [
        (
            foreign.number,
            "tickets.merge.not_found",
            f"合并到：本中心没有工单 {foreign.number}（只能合并到本中心的工单）",
        ),
        (str(foreign.pk), "tickets.merge.not_found", f"合并到：本中心没有工单 {foreign.pk}（只能合并到本中心的工单）"),
        (
            merged.number,
            "tickets.merge.chain",
            f"合并到：工单 {merged.number} 已合并到 {third.number}，请直接合并到 {third.number}",
        ),
        (
            str(merged.pk),
            "tickets.merge.chain",
            f"合并到：工单 {merged.number} 已合并到 {third.number}，请直接合并到 {third.number}",
        ),
    ]
    for into, rule, message in cases:
        r = post(disp, url, {"version": 1, "into": into, "note": "重复来电"})
        assert r.status_code == 400, (into, r.content)
        assert r.json()["detail"] == [{"field": "into", "rule": rule, "message": message}], into
    after = {
        o.pk: (o.state, o.version, o.merged_into_id, o.description)
        for o in Order.objects.filter(pk__in=[o.pk for o in watched])
    }
    assert after == before
    assert OrderEvent.objects.count() == events
    assert AuditRecord.objects.filter(note="tickets.order.merge").count() == audits


def test_split_over_the_api(org, new_order, client_for):
    order = new_order(description="话费多扣；另外宽带断网")
    disp = client_for(org.dispatcher)
    url = f"/api/tickets/orders/{order.pk}/split"
    r = post(disp, url, {"version": 1, "subject": "", "description": "宽带断网", "department": "nowhere"})
    assert r.status_code == 400
    fields = {p["field"]: p["message"] for p in r.json()["detail"]}
    assert fields["subject"] == "拆分工单必须填写主题" and "department" in fields
    assert Order.objects.count() == 1
    r = post(
        disp,
        url,
        {
            "version": 1,
            "subject": "宽带断网",
            "description": "宽带断网两天",
            "category": "network",
            "department": "network",
        },
    )
    assert r.status_code == 201, r.content
    new = Order.objects.get(number=r.json()["new"]["number"])
    assert new.split_from_id == order.pk and r.json()["original"]["version"] == 2
    assert disp.get(f"/api/tickets/orders/{new.pk}").json()["split_from"] == order.number
    assert post(disp, url, {"version": 1, "subject": "宽带断网", "description": "x"}).status_code == 409
    assert post(client_for(org.handler), url, {"version": 2, "subject": "x", "description": "y"}).status_code == 403


def test_take_and_holder_over_the_api(org, new_order, client_for):
    order = new_order()
    disp = client_for(org.dispatcher)
    r = post(disp, f"/api/tickets/orders/{order.pk}/transitions", {"name": "take", "version": 1})
    assert r.status_code == 200 and r.json()["state"] == "accepted"
    assert disp.get(f"/api/tickets/orders/{order.pk}").json()["holder"] == "4001"


def test_order_page_merges_into_the_survivor_and_shows_both(org, new_order, client_for):
    survivor, dup = new_order(subject="宽带断网"), new_order(subject="宽带还是断网")
    disp = client_for(org.dispatcher)
    html = disp.get(f"/tickets/orders/{dup.pk}/").content.decode()
    assert 'data-transition="merge"' in html and 'data-transition="split"' in html
    assert f'data-value="{survivor.number}"' in html  # the same customer's open order is suggested
    split_form = html[html.index('data-transition="split"') :]
    assert '<option value="complaint" selected>' in split_form  # the new order starts as the original's kind
    r = disp.post(f"/tickets/orders/{dup.pk}/fire/", {"name": "merge", "version": 1, "into": "GD19990101"})
    assert r.status_code == 400 and "合并到：本中心没有工单 GD19990101" in r.content.decode()
    r = disp.post(f"/tickets/orders/{dup.pk}/fire/", {"name": "merge", "version": 1, "into": survivor.number})
    assert r.status_code == 302 and r.url == f"/tickets/orders/{survivor.pk}/"
    page = disp.get(r.url).content.decode()
    assert f"工单 {dup.number} 已合并到 {survivor.number}" in page and 'id="merged-in"' in page
    assert f"并入重复工单 {dup.number}" in page
    page = disp.get(f"/tickets/orders/{dup.pk}/").content.decode()
    assert 'id="merged-into"' in page and "已合并" in page and 'data-transition="merge"' not in page
    # a department handler is offered neither merge nor split
    html = client_for(org.handler).get(f"/tickets/orders/{survivor.pk}/").content.decode()
    assert 'data-transition="merge"' not in html and 'data-transition="split"' not in html


def test_queues_and_search_show_the_holder_by_name_and_merged_orders(org, new_order, fire, client_for):
    taken, dup = new_order(subject="资费疑问"), new_order(subject="资费疑问再次来电")
    fire(taken, "take", org.dispatcher)
    services.merge(fresh(dup), taken.number, org.dispatcher, 1)
    disp = client_for(org.dispatcher)
    queue = disp.get("/tickets/dispatch/").content.decode()
    assert "当前处理人" in queue and f"{org.dispatcher.name} (4001)" in queue
    found = disp.get("/workbench/search/", {"q": dup.number}).content.decode()
    assert "当前处理人" in found and "已合并" in found and f'→ <a href="/tickets/orders/{taken.pk}/">' in found
    # at the department: nobody yet, then the one who took it
    done = fire(taken, "review", org.dispatcher, review_opinion="有效")
    fire(done, "dispatch", org.dispatcher, dispatch_opinion="请核查", department="billing")
    handler = client_for(org.handler)
    assert "待认领" in handler.get("/tickets/department/").content.decode()
    fire(taken, "claim", org.handler)
    page = handler.get("/tickets/department/").content.decode()
    assert f"{org.handler.name} (8002)" in page
    assert machine.holder(fresh(taken)) == org.handler


def test_dispatcher_takes_several_orders_from_the_dispatch_queue(org, new_order, client_for):
    """ "我来处理" for the checked orders of the dispatch queue (004:L2055): the same rule as one at a time."""
    a, b = new_order(), new_order()
    disp = client_for(org.dispatcher)
    assert 'id="tk-bulk-take"' in disp.get("/tickets/dispatch/").content.decode()
    r = disp.post("/tickets/bulk/", {"action": ["dispatch", "take"], "ids": [f"{a.pk}:1"], "department": ""})
    assert r.status_code == 302 and machine.holder(fresh(a)) == org.dispatcher
    r = post(
        client_for(org.supervisor),
        "/api/tickets/orders/bulk",
        {"action": "take", "ids": [{"id": a.pk, "version": 2}, {"id": b.pk, "version": 1}]},
    )
    assert r.status_code == 200 and r.json()["done"] == 1
    refused = next(x for x in r.json()["results"] if x["id"] == a.pk)
    assert refused["problems"][0]["message"] == "派单台已有人在处理该工单"
    assert machine.holder(fresh(b)) == org.supervisor and machine.holder(fresh(a)) == org.dispatcher


def test_merged_and_split_orders_read_in_english(org, new_order, client_for):
    from kefu.web.tests.english import assert_english, english

    survivor, dup = new_order(subject="话费多扣"), new_order(subject="话费多扣")
    services.merge(fresh(dup), survivor.number, org.dispatcher, 1)
    _, new = services.split(
        fresh(survivor), org.dispatcher, fresh(survivor).version, subject="宽带断网", description="宽带断网两天"
    )
    typed = (
        "张*",
        "话费多扣",
        "本月话费比上月多扣了50元，要求核查",
        "宽带断网",
        "宽带断网两天",
        "张三",
        *(d.name for d in org.depts.values()),
    )
    disp = english(client_for(org.dispatcher))
    assert_english(
        disp.get(f"/tickets/orders/{dup.pk}/"),
        "This order is a duplicate, merged on",
        "Merged",
        f"Merged into order {survivor.number}",
        user_data=typed,
    )
    assert_english(
        disp.get(f"/tickets/orders/{new.pk}/"),
        "Split from",
        f"Split from order {survivor.number}",
        "Current handler",
        "Not taken yet",
        "Merge as a duplicate",
        "Split the order",
        user_data=typed,
    )
    assert_english(disp.get("/tickets/dispatch/"), "Current handler", "Take the selected orders", user_data=typed)
