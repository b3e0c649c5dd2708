"""Order types, categories and their routing are the center's policy (issue 16 item 1): the 12345 bureaus of the
Suining quiz (004:L27-69), the telecom flow templates of the hotline (004:L2075, unchanged), the shop's after-sales
types (002:L148); edited by the administrator, validated, and kept by each order as it was created."""

import importlib
from datetime import timedelta

import pytest
from django.apps import apps
from django.utils import translation

from kefu.errors import RuleViolation
from kefu.org import services as org_services
from kefu.org.models import Department, Policy
from kefu.org.policy import policy_for
from kefu.tickets import history, services
from kefu.tickets.models import Order
from kefu.web.tests.english import english

pytestmark = pytest.mark.django_db

BODY = {
    "phone": "13800138000",
    "customer_name": "李四",
    "subject": "市民反映",
    "description": "市民来电反映问题，要求处理",
}


def _create(center, actor, **data):
    return services.create_order(center, actor, {"kind": "complaint", **BODY, **data})


@pytest.fixture
def gov(db):
    """A 12345 center with a few of the quiz's bureaus as its departments (police is left out on purpose)."""
    center = org_services.create_center("sn12345", "遂宁12345", preset="gov12345")
    for code, name in [("env", "环保局"), ("housing", "住建局"), ("transport", "交运局"), ("civil_affairs", "民政局")]:
        Department.objects.create(center=center, code=code, name=name)

    def staff(role, no):
        return org_services.create_staff(
            center, staff_no=no, name=f"员工{no}", roles=[role], username=f"g{no}", password="x-Pass-12345"
        )

    return center, staff("agent", "1201"), staff("dispatcher", "1401")


def _dispatch(order, dispatcher, **fields):
    order = services.transition(
        Order.objects.get(pk=order.pk), "review", dispatcher, order.version, review_opinion="属实"
    )
    return services.transition(order, "dispatch", dispatcher, order.version, dispatch_opinion="请承办", **fields)


@pytest.mark.parametrize(
    "category, bureau, seed",
    [
        ("water_pollution", "env", "004:L27"),  # 渠河洗澡污染水源 → 环保局
        ("street_lights", "housing", "004:L33"),  # 滨江路路灯不亮 → 市住建局
        ("bus_stops", "transport", "004:L35"),  # 公交站台设置 → 交运局
        ("subsistence_allowance", "civil_affairs", "004:L37"),  # 最低生活保障资金 → 民政局
        ("taxis", "transport", "004:L65,L69"),  # 出租车不打表、拒载 → 交运局
    ],
)
def test_gov12345_orders_go_to_the_bureau_of_their_category(gov, category, bureau, seed):
    center, agent, dispatcher = gov
    order = _create(center, agent, category=category)
    assert order.route_department.code == bureau, seed
    assert order.route_time_limit == {"unit": "working_days", "amount": 5}  # placeholder: the seeds give none
    done = _dispatch(order, dispatcher)
    assert done.department.code == bureau, seed
    # The bureau's time limit runs from the dispatch: 5 working days later, never sooner than a week-end allows.
    assert timedelta(days=5) <= done.handling_deadline - done.dispatched_at <= timedelta(days=12)


def test_gov12345_bureau_the_center_lacks_leaves_the_choice_to_the_dispatcher(gov):
    center, agent, dispatcher = gov
    order = _create(center, agent, category="stray_dogs")  # 004:L55 公安局: no such department here
    assert order.route_department is None
    with pytest.raises(RuleViolation) as exc:
        _dispatch(order, dispatcher)
    assert exc.value.problems[0].field == "department"
    done = services.transition(
        Order.objects.get(pk=order.pk),
        "dispatch",
        dispatcher,
        order.version + 1,
        dispatch_opinion="请承办",
        department="housing",
    )
    assert done.department.code == "housing" and done.handling_deadline is None  # another department: no route limit


def test_gov12345_takes_only_its_kinds_and_categories(gov):
    center, agent, _ = gov
    with pytest.raises(RuleViolation) as exc:
        _create(center, agent, kind="appeal", appeal_source="省公司")
    assert [p.field for p in exc.value.problems] == ["kind"]
    assert "本中心不受理申诉工单" in str(exc.value.problems[0].message)
    with pytest.raises(RuleViolation) as exc:
        _create(center, agent, category="tariff")  # a telecom category: not this center's
    assert exc.value.problems[0].field == "category" and "类别不正确：tariff" in str(exc.value.problems[0].message)
    assert not Order.objects.filter(center=center).exists()


def test_hotline_routes_by_the_telecom_flow_templates_as_before(org, new_order, fire):
    """004:L2075: tariff → billing, network → network; no time limit: the dispatcher sets one per order."""
    order = new_order(category="tariff")
    assert (order.category_names, order.route_department.code, order.route_time_limit) == (
        {"name": "资费类", "name_en": "Billing"},
        "billing",
        None,
    )
    fire(order, "review", org.dispatcher, review_opinion="属实")
    done = fire(order, "dispatch", org.dispatcher, dispatch_opinion="请核查")
    assert done.department.code == "billing" and done.handling_deadline is None
    assert (
        new_order().category == "tariff"
        and services.create_order(org.center, org.agent, {"kind": "consultation", **BODY}).category == "service"
    )  # the hotline's default category


def test_ecommerce_after_sales_types_close_within_six_days(db):
    """002:L148: closed within six days of the after-sales department's acceptance."""
    center = org_services.create_center("shop", "旗舰店", preset="ecommerce")
    Department.objects.create(center=center, code="aftersales", name="售后部")
    agent = org_services.create_staff(
        center, staff_no="3101", name="客服1", roles=["agent"], username="s3101", password="x-Pass-12345"
    )
    order = _create(center, agent, category="quality")
    assert order.route_department.code == "aftersales" and order.route_time_limit == {"unit": "hours", "amount": 144}
    assert services.create_order(center, agent, {"kind": "consultation", **BODY}).category == "other"


def test_an_admin_edit_changes_new_orders_only(org, new_order, fire):
    old = new_order(category="tariff")
    org_services.update_policy(
        org.center,
        preset="hotline",
        overrides={
            "tickets": {
                "categories": {
                    "tariff": {"name": "计费类", "department": "network", "time_limit": {"unit": "hours", "amount": 8}}
                }
            }
        },
    )
    new = new_order(category="tariff")
    assert (new.category_names["name"], new.route_department.code, new.route_time_limit) == (
        "计费类",
        "network",
        {"unit": "hours", "amount": 8},
    )
    old.refresh_from_db()
    assert (old.category_names["name"], old.route_department.code, old.route_time_limit) == ("资费类", "billing", None)
    fire(old, "review", org.dispatcher, review_opinion="属实")
    done = fire(old, "dispatch", org.dispatcher, dispatch_opinion="请核查")
    assert done.department.code == "billing" and done.handling_deadline is None  # as it was created
    fire(new, "review", org.dispatcher, review_opinion="属实")
    done = fire(new, "dispatch", org.dispatcher, dispatch_opinion="请核查")
    assert done.department.code == "network" and done.handling_deadline - done.dispatched_at == timedelta(hours=8)


def test_an_admin_may_add_a_category_and_retire_one(org, new_order):
    org_services.update_policy(
        org.center,
        preset="hotline",
        overrides={
            "tickets": {
                "categories": {
                    "roaming": {
                        "name": "漫游类",
                        "name_en": "Roaming",
                        "department": "province",
                        "time_limit": None,
                        "active": True,
                    },
                    "business": {"active": False},
                }
            }
        },
    )
    assert new_order(category="roaming").route_department.code == "province"
    with pytest.raises(RuleViolation) as exc:
        new_order(category="business")
    assert exc.value.problems[0].field == "category"


@pytest.mark.parametrize(
    "override, field, words",
    [
        (
            {"categories": {"tariff": {"department": "tax_bureau"}}},
            "tickets.categories.tariff.department",
            "承办部门 tax_bureau 在本中心不存在",
        ),
        (
            {"categories": {"tariff": {"time_limit": {"unit": "hours", "amount": 0}}}},
            "tickets.categories.tariff.time_limit",
            "处理时限应为正数",
        ),
        (
            {"categories": {"tariff": {"time_limit": {"unit": "weeks", "amount": 2}}}},
            "tickets.categories.tariff.time_limit",
            "单位应为 hours 或 working_days",
        ),
        ({"categories": {"tariff": {"name": ""}}}, "tickets.categories.tariff.name", "名称不能为空"),
        ({"default_category": "roaming"}, "tickets.default_category", "默认类别 roaming 应为启用的类别之一"),
        ({"kinds": ["complaint", "petition"]}, "tickets.kinds", "未知的工单类型：petition"),
    ],
)
def test_bad_routing_is_refused_with_the_field_named_and_nothing_changed(org, override, field, words):
    before = Policy.objects.get(center=org.center).overrides
    with pytest.raises(RuleViolation) as exc:
        org_services.update_policy(org.center, preset="hotline", overrides={"tickets": override})
    problems = {p.field: str(p.message) for p in exc.value.problems}
    assert field in problems and words in problems[field], problems
    assert Policy.objects.get(center=org.center).overrides == before
    assert policy_for("tickets", org.center)["categories"]["tariff"]["department"] == "billing"


def test_reclassified_at_review_takes_todays_routing_of_the_new_category(org, new_order, fire):
    order = new_order(category="tariff")
    done = fire(order, "review", org.dispatcher, review_opinion="属实，实为网络问题", category="network")
    assert (done.category, done.category_names["name"], done.route_department.code) == ("network", "网络类", "network")
    event = done.events.get(name="review")
    assert event.fields["category"] == {"code": "network", "name": "网络类", "name_en": "Network"}
    with pytest.raises(RuleViolation) as exc:
        fire(
            new_order(category="service", phone="13900139000"),
            "review",
            org.dispatcher,
            review_opinion="x",
            category="roaming",
        )
    assert exc.value.problems[0].field == "category"


def test_labels_in_the_readers_language(org, new_order, client_for):
    order = new_order(category="tariff")
    client = client_for(org.dispatcher)
    rows = client.get("/api/tickets/orders?category=tariff").json()
    assert [(r["number"], r["category_label"], r["route_department"]) for r in rows] == [
        (order.number, "资费类", "billing")
    ]
    assert english(client_for(org.dispatcher)).get("/api/tickets/orders").json()[0]["category_label"] == "Billing"
    with translation.override("en"):  # a category the preset names in English; an added one without: its Chinese
        assert history.category_text("roaming", "漫游类", "") == "漫游类"
        assert history.category_text("water_pollution", "水源污染", "Water pollution") == "Water pollution"
    assert client.get("/api/tickets/orders?category=network").json() == []
    bad = client.get("/api/tickets/orders?category=nonsense")
    assert bad.status_code == 400 and bad.json()["detail"][0]["field"] == "category"
    cats = client.get("/api/tickets/categories").json()
    assert {c["code"]: c["department"] for c in cats}["tariff"] == "billing"


def test_workspace_offers_the_centers_categories_and_kinds(gov, client_for):
    center, agent, dispatcher = gov
    html = client_for(agent).get("/tickets/").content.decode()
    assert 'value="water_pollution"' in html and "水源污染" in html and 'value="tariff"' not in html
    assert 'value="appeal"' not in html
    response = client_for(agent).post("/tickets/", {"kind": "complaint", **BODY, "category": "street_lights"})
    assert response.status_code == 302
    order = Order.objects.get(center=center)
    assert order.route_department.code == "housing"
    services.transition(order, "review", dispatcher, order.version, review_opinion="属实")
    page = client_for(dispatcher).get(f"/tickets/orders/{order.pk}/").content.decode()
    assert '<option value="housing" selected>' in page  # the dispatch suggestion: the routed bureau preselected
    assert "不填：派往住建局时按5个工作日计算" in page  # and its time limit, counted from the dispatch
    english_page = english(client_for(dispatcher)).get(f"/tickets/orders/{order.pk}/").content.decode()
    assert "Left empty: 5 working days when sent to 住建局" in english_page


def test_migration_keeps_existing_orders_routing(org, new_order):
    migration = importlib.import_module("kefu.tickets.migrations.0003_category_routing")
    order = new_order(category="business")
    Order.objects.filter(pk=order.pk).update(category_names={}, route_department=None)
    Policy.objects.filter(center=org.center).update(overrides={"tickets": {"flow_templates": {"business": "billing"}}})
    migration.forward(apps, None)
    order.refresh_from_db()
    assert (order.category_names, order.route_department.code) == (
        {"name": "业务类", "name_en": "Products & services"},
        "billing",
    )
    over = Policy.objects.get(center=org.center).overrides["tickets"]
    assert over == {"categories": {"business": {"department": "billing"}}}
    assert services.policy(org.center)["categories"]["business"]["department"] == "billing"
