"""Finding orders: by number, by phone through the keyed digest, by Chinese words through the index (the same
orders a plain LIKE finds), with filters, pages without a cap, the caller's center and department; index kept on edit."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kefu.audit.crypto import digest
from kefu.errors import RuleViolation
from kefu.tickets import services as tickets
from kefu.tickets.models import Order
from kefu.workbench import selectors, services
from kefu.workbench.models import OrderWords

TEXTS = [
    ("宽带断网", "家里宽带从昨晚开始断网，光猫红灯"),
    ("话费多扣", "本月话费比上月多扣了50元"),
    ("宽带提速", "要求把宽带提速到500M"),
    ("网络信号差", "小区5G网络信号差，通话断续"),
    ("投诉营业厅", "营业厅工作人员态度差，宽带断了也不管"),
]


def _orders(org, phones=("13800138000",) * 5):
    made = []
    for (subject, description), phone in zip(TEXTS, phones, strict=True):
        made.append(
            tickets.create_order(
                org.center,
                org.agent,
                {"kind": "consultation", "phone": phone, "subject": subject, "description": description},
            )
        )
    return made


def _numbers(scope, **filters):
    return [o.number for o in selectors.search_queryset(scope, selectors.parse_filters(filters))]


def _like(scope, word):
    return [Order.objects.get(pk=pk).number for pk in selectors.like_baseline(scope, word, 100)[1]]


def test_words_find_what_like_finds(org, scope_of_staff):
    made = _orders(org)
    scope = scope_of_staff(org.agent)
    for word in ("宽带", "断网", "宽带断网", "5G", "网络", "态度差", "多扣", "营业厅", "光猫红灯", "不存在的词"):
        assert _numbers(scope, q=word) == _like(scope, word), word
    assert _numbers(scope, q="宽带断网") == [made[0].number]  # pairs 宽带/带断/断网 of 投诉营业厅 don't all occur
    assert _numbers(scope, q="宽带 态度") == [made[4].number]  # every word


def test_word_search_reads_the_index_not_every_row(org, scope_of_staff):
    _orders(org)
    scope = scope_of_staff(org.agent)
    with CaptureQueriesContext(connection) as ctx:
        _numbers(scope, q="宽带")
    sql = ctx.captured_queries[-1]["sql"]
    assert ("workbench_orderwords_fts" in sql and "MATCH" in sql) if connection.vendor == "sqlite" else "@>" in sql


def test_a_single_character_alone_is_refused_naming_the_field(org, scope_of_staff):
    with pytest.raises(RuleViolation) as caught:
        _numbers(scope_of_staff(org.agent), q="费")
    assert caught.value.problems[0].field == "q" and "至少两个字" in str(caught.value)


def test_number_and_phone_through_the_keyed_digest(org, scope_of_staff):
    made = _orders(org, phones=("13800138000", "13900139000", "13800138000", "010-12345678", "13800138000"))
    scope = scope_of_staff(org.agent)
    assert _numbers(scope, q=made[1].number.lower()) == [made[1].number]
    assert _numbers(scope, q="139 0013 9000") == [made[1].number]
    assert _numbers(scope, q="01012345678") == [made[3].number]
    assert sorted(_numbers(scope, q="+8613800138000")) == sorted([made[0].number, made[2].number, made[4].number])
    with CaptureQueriesContext(connection) as ctx:
        _numbers(scope, q="13900139000")
    assert all("13900139000" not in q["sql"] for q in ctx.captured_queries)  # the digest is asked, never the number


def test_a_phone_search_pages_the_customers_orders_of_this_center_only(org, scope_of_staff, monkeypatch):
    # The service number is looked up without the center (its index alone); another center's customer with the same
    # phone and service number is found there, but none of its orders are: they are the other center's.
    from kefu.org import services as org_services

    other = org_services.create_center("other", "另一中心")
    other_agent = org_services.create_staff(
        other,
        staff_no="2901",
        name="别处座席",
        roles=["agent"],
        username="other2901",
        password="Kefu-test-2026!",
        check_password=False,
    )
    made = _orders(org, phones=("13800138000", "13900139000", "13800138000", "13800138000", "13700137000"))
    for phone in ("13800138000", "13600136000"):
        tickets.create_order(
            other,
            other_agent,
            {
                "kind": "consultation",
                "phone": phone,
                "service_number": "13900139000",
                "subject": "宽带断网",
                "description": "别处的工单",
            },
        )
    by_service = tickets.create_order(
        org.center,
        org.agent,
        {
            "kind": "consultation",
            "phone": "13500135000",
            "service_number": "13900139000",
            "subject": "话费",
            "description": "说明",
        },
    )
    assert by_service.customer.service_number_digest == digest("13900139000")
    scope = scope_of_staff(org.agent)
    Order.objects.filter(pk=made[2].pk).update(accepted_at=made[0].accepted_at)  # a tie: the larger id first
    expected = [made[3].pk, made[2].pk, made[0].pk]
    pages = [
        selectors.search_orders(scope, selectors.parse_filters({"q": "13800138000", "page": str(p)}), page_size=2)
        for p in (1, 2, 5)
    ]
    assert [[o.pk for o in p.rows] for p in pages] == [expected[:2], expected[2:], expected[2:]]
    assert [(p.total, p.pages, p.page, p.estimated) for p in pages] == [
        (3, 2, 1, False),
        (3, 2, 2, False),
        (3, 2, 2, False),
    ]
    found = selectors.search_orders(scope, selectors.parse_filters({"q": "139 0013 9000"}))
    assert found.total == 2 and [o.pk for o in found.rows] == [by_service.pk, made[1].pk]
    assert {o.center_id for o in found.rows} == {org.center.pk}
    monkeypatch.setattr(selectors, "EXACT_UP_TO", 1)  # more than that: counted apart, pages read in order
    found = selectors.search_orders(scope, selectors.parse_filters({"q": "13800138000"}), page_size=2)
    assert (found.total, [o.pk for o in found.rows]) == (3, expected[:2])


def test_index_follows_an_edit_of_subject_or_description(org, scope_of_staff):
    order = _orders(org)[1]
    scope = scope_of_staff(org.agent)
    Order.objects.filter(pk=order.pk)  # the admin and services save through the model
    order.subject, order.description = "发票重开", "要求重开增值税发票"
    order.save()
    assert _numbers(scope, q="发票") == [order.number] and _numbers(scope, q="多扣") == []
    order.delete()
    assert not OrderWords.objects.filter(order_id=order.pk).exists() and _numbers(scope, q="发票") == []


def test_rebuild_indexes_rows_written_without_save(org, scope_of_staff):
    made = _orders(org)
    OrderWords.objects.all().delete()
    scope = scope_of_staff(org.agent)
    assert _numbers(scope, q="宽带") == []
    assert services.rebuild_index(batch=2) == len(made)
    assert len(_numbers(scope, q="宽带")) == 3


def test_filters_and_pages_without_a_cap(org, scope_of_staff):
    made = _orders(org)
    scope = scope_of_staff(org.agent)
    Order.objects.filter(pk=made[0].pk).update(is_overdue=True, department=org.depts["network"], level=3)
    assert _numbers(scope, q="宽带", overdue="yes") == [made[0].number]
    assert _numbers(scope, department=str(org.depts["network"].pk)) == [made[0].number]
    assert _numbers(scope, level="3") == [made[0].number]
    assert len(_numbers(scope, kind="consultation")) == 5 and _numbers(scope, kind="complaint") == []
    assert len(_numbers(scope, owner="2001")) == 5 and _numbers(scope, owner="2002") == []
    today = made[0].accepted_at.astimezone().date().isoformat()
    assert len(_numbers(scope, date_from=today, date_to=today)) == 5
    assert _numbers(scope, date_to="2000-01-01") == []
    pages = [
        selectors.search_orders(scope, selectors.parse_filters({"page": str(p)}), page_size=2) for p in (1, 2, 3, 9)
    ]
    assert [len(p.rows) for p in pages] == [2, 2, 1, 1] and pages[0].pages == 3 and pages[0].total == 5
    assert pages[3].page == 3  # past the end: the last page
    seen = [o.pk for p in pages[:3] for o in p.rows]
    assert len(set(seen)) == 5


@pytest.mark.parametrize(
    "bad,field",
    [
        ({"kind": "x"}, "kind"),
        ({"state": "x"}, "state"),
        ({"level": "9"}, "level"),
        ({"level": "a"}, "level"),
        ({"page": "0"}, "page"),
        ({"overdue": "maybe"}, "overdue"),
        ({"date_from": "2026-02-30"}, "date_from"),
        ({"date_from": "2026-03-02", "date_to": "2026-03-01"}, "date_to"),
    ],
)
def test_bad_filters_are_refused_naming_the_field(org, scope_of_staff, bad, field):
    with pytest.raises(RuleViolation) as caught:
        selectors.parse_filters(bad)
    assert field in [p.field for p in caught.value.problems]


def test_unknown_owner_is_refused(org, scope_of_staff):
    with pytest.raises(RuleViolation) as caught:
        _numbers(scope_of_staff(org.agent), owner="0000")
    assert caught.value.problems[0].field == "owner"


def test_department_handlers_find_only_their_departments_orders(org, scope_of_staff):
    made = _orders(org)
    Order.objects.filter(pk=made[0].pk).update(department=org.depts["billing"])
    Order.objects.filter(pk=made[2].pk).update(department=org.depts["network"])
    assert _numbers(scope_of_staff(org.billing), q="宽带") == [made[0].number]
    assert len(_numbers(scope_of_staff(org.dispatcher), q="宽带")) == 3


def test_parse_filters_reads_dates(org):
    f = selectors.parse_filters({"date_from": "2026-12-01", "date_to": "2026-12-07", "q": " 宽带 "})
    assert (f.date_from, f.date_to, f.q, f.page) == (date(2026, 12, 1), date(2026, 12, 7), "宽带", 1)


def _index_row(order):
    row = OrderWords.objects.get(order_id=order.pk)
    return row.center_id, row.sort_key, row.meta


def _expected_row(order):
    from kefu.workbench import words

    order.refresh_from_db()
    return (
        order.center_id,
        words.sort_key(order.accepted_at, order.pk),
        words.meta(
            order.center_id,
            order.kind,
            order.state,
            order.level,
            order.department_id,
            order.is_overdue,
            order.acceptor_id,
            order.assigned_to_id,
            order.handler_id,
        ),
    )


def test_a_bulk_update_of_orders_reaches_the_index(org, scope_of_staff):
    """An update() past save() (the overdue sweep, an import fixing dates) changes the index row through the trigger
    on tickets_order: the acceptance time, state, department, overdue flag and staff it is found by."""
    made = _orders(org)
    scope = scope_of_staff(org.agent)
    Order.objects.filter(pk__in=[made[0].pk, made[2].pk]).update(
        accepted_at=made[0].accepted_at.replace(year=2025),
        is_overdue=True,
        level=3,
        department=org.depts["network"],
        handler=org.agent2,
        state="processing",
    )
    for order in made:
        assert _index_row(order) == _expected_row(order)  # the trigger's SQL writes what words.meta/sort_key write
    assert sorted(_numbers(scope, q="宽带", date_to="2025-12-31")) == sorted([made[0].number, made[2].number])
    assert _numbers(scope, q="宽带", date_from="2026-01-01") == [made[4].number]
    found = selectors.search_orders(
        scope,
        selectors.parse_filters({"q": "宽带", "overdue": "yes", "level": "3", "owner": "2002", "state": "processing"}),
    )
    assert sorted(o.pk for o in found.rows) == sorted([made[0].pk, made[2].pk]) and found.total == 2
    assert selectors.search_orders(scope, selectors.parse_filters({"q": "宽带", "overdue": "no"})).total == 1


def test_words_search_with_filters_asks_one_index_query(org, scope_of_staff):
    """Words and filters are answered by the index table alone: tickets_order is read only for the page's rows."""
    _orders(org)
    scope = scope_of_staff(org.agent)
    with CaptureQueriesContext(connection) as ctx:
        found = selectors.search_orders(
            scope, selectors.parse_filters({"q": "宽带断网", "kind": "consultation", "overdue": "no"})
        )
    assert found.total == 1 and not found.estimated
    index_reads = [q["sql"] for q in ctx.captured_queries if "workbench_orderwords" in q["sql"]]
    assert len(index_reads) == 1 and "tickets_order" not in index_reads[0]


def test_many_matches_are_estimated_and_labelled_about(org, scope_of_staff, monkeypatch, client):
    """Above the cap the total is an estimate (约); the first page is still exactly the newest matches, the last
    the oldest, and a page past the real end of the estimate falls back to the exact count."""
    from datetime import timedelta

    monkeypatch.setattr(selectors, "EXACT_UP_TO", 2)
    monkeypatch.setattr(selectors, "PROBE_ROWS", 2)  # PostgreSQL: the newest two orders, one with 宽带: not common
    monkeypatch.setattr(selectors, "PROBE_MIN", 2)  # there, so counted through GIN and, above two, sampled
    made = _orders(org)
    for i, order in enumerate(made):  # one a day: the estimate scales the newest three matches' days to all days
        Order.objects.filter(pk=order.pk).update(accepted_at=order.accepted_at - timedelta(days=i))
    scope = scope_of_staff(org.agent)
    found = selectors.search_orders(scope, selectors.parse_filters({"q": "宽带"}), page_size=1)
    assert found.estimated and found.total >= 3 and [o.pk for o in found.rows] == [made[0].pk]
    last = selectors.search_orders(scope, selectors.parse_filters({"q": "宽带", "page": "99"}), page_size=1)
    assert [o.pk for o in last.rows] == [made[4].pk] and last.page == last.pages
    exact = selectors.search_orders(scope, selectors.parse_filters({"q": "断网"}), page_size=1)
    assert not exact.estimated and exact.total == 1
    client.force_login(org.agent.user)
    page = client.get("/workbench/search/", {"q": "宽带"}).content.decode()
    assert "约 " in page.split('id="wb-total"')[1].split("</p>")[0]
    answer = client.get("/api/workbench/orders", {"q": "宽带"}).json()
    assert answer["estimated"] is True and answer["total"] >= 3


def test_triggers_lost_to_a_table_rebuild_are_made_again_after_migrate(org, scope_of_staff):
    """SQLite drops a table's triggers when a migration rebuilds it (another app's migration rebuilding
    tickets_order, or one of this app's): the next migrate makes them again, rebuilds the FTS5 index and copies the
    keys of orders changed meanwhile."""
    from django.core.management import call_command

    from kefu.workbench import triggers

    made = _orders(org)
    scope = scope_of_staff(org.agent)
    assert triggers.missing(connection) == []
    with connection.cursor() as cursor:  # what a rebuild of either table does to them
        if connection.vendor == "sqlite":
            for name in (*triggers.SQLITE_WORDS_TRIGGERS, *triggers.SQLITE_ORDER_TRIGGERS):
                cursor.execute(f"DROP TRIGGER {name}")
        else:
            cursor.execute("DROP TRIGGER workbench_order_keys ON tickets_order")
    Order.objects.filter(pk=made[0].pk).update(state="processing", is_overdue=True)  # missed by the lost trigger
    late = tickets.create_order(
        org.center,
        org.agent,
        {"kind": "consultation", "phone": "13800138000", "subject": "发票重开", "description": "要求重开发票"},
    )
    assert triggers.missing(connection)
    call_command("migrate", verbosity=0)
    assert triggers.missing(connection) == []
    assert _index_row(made[0]) == _expected_row(made[0])
    assert _numbers(scope, q="宽带", state="processing", overdue="yes") == [made[0].number]
    assert _numbers(scope, q="发票重开") == [late.number]


@pytest.mark.django_db(transaction=True)
def test_a_real_rebuild_of_tickets_order_is_repaired_by_migrate(org, scope_of_staff):
    """The same with a rebuild done by the schema editor (altering a column of tickets_order), as a migration would."""
    import copy

    from django.core.management import call_command

    from kefu.workbench import triggers

    made = _orders(org)
    old = Order._meta.get_field("subject")
    new = copy.copy(old)
    new.max_length = old.max_length + 20
    with connection.schema_editor() as editor:
        editor.alter_field(Order, old, new)
    try:
        if connection.vendor == "sqlite":
            assert triggers.missing(connection) == ["workbench_order_keys"]
        call_command("migrate", verbosity=0)
        assert triggers.missing(connection) == []
        Order.objects.filter(pk=made[1].pk).update(level=4)
        assert _numbers(scope_of_staff(org.agent), q="话费", level="4") == [made[1].number]
    finally:
        with connection.schema_editor() as editor:
            editor.alter_field(Order, new, old)
        triggers.ensure(connection)
