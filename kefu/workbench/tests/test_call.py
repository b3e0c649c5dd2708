"""Accepting a call on the workbench: the phrase check before saving (004:L1805, 004:L1851), saving anyway recorded
for QA, answering at once (004:L2011), the screen pop (004:L2017) and the standard phrases filled in."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from kefu.errors import RuleViolation
from kefu.tickets.models import Order
from kefu.workbench import selectors, services
from kefu.workbench.models import PhraseOverride

CALL = {
    "kind": "consultation",
    "phone": "13800138000",
    "customer_name": "张三",
    "subject": "宽带断网",
    "description": "客户反映家里宽带从昨晚开始断网",
    "category": "network",
}
FLAGGED = "抱歉久等，这个不归我们管"


def test_flagged_reply_is_not_saved_without_confirmation_004_L1805_L1851(org, scope_of_staff):
    scope = scope_of_staff(org.agent)
    with pytest.raises(services.PhraseWarning) as caught:
        services.accept_call(scope, dict(CALL), reply=FLAGGED, satisfaction="satisfied")
    found = caught.value.found
    assert [h["code"] for h in found["reply"]] == ["sorry_wait", "not_my_charge"]
    assert found["reply"][0]["suggestion"] == "非常感谢您的耐心等待。"  # 004:L1805
    assert found["reply"][1]["suggestion"] == "有专人负责，我帮您转过去。"  # 004:L1851
    assert caught.value.status == 409
    assert not Order.objects.exists() and not PhraseOverride.objects.exists()


def test_saving_anyway_keeps_the_order_the_reply_and_a_record_for_qa(org, scope_of_staff):
    scope = scope_of_staff(org.agent)
    with pytest.raises(services.PhraseWarning) as caught:
        services.accept_call(scope, dict(CALL), reply=FLAGGED, satisfaction="satisfied")
    order = services.accept_call(
        scope, dict(CALL), reply=FLAGGED, satisfaction="satisfied", acknowledged=caught.value.token
    )
    assert order.state == "replied" and order.reply_opinion == FLAGGED  # answered at once (004:L2011)
    record = PhraseOverride.objects.get()
    assert (record.staff, record.order, record.field, record.text) == (org.agent, order, "reply", FLAGGED)
    assert [h["phrase"] for h in record.hits] == ["抱歉久等", "不归我们管"]
    assert abs(record.at - timezone.now()) < timedelta(minutes=1)


def test_a_confirmation_of_other_words_does_not_save_new_ones(org, scope_of_staff):
    scope = scope_of_staff(org.agent)
    with pytest.raises(services.PhraseWarning) as first:
        services.accept_call(scope, dict(CALL), reply="抱歉久等", satisfaction="satisfied")
    with pytest.raises(services.PhraseWarning):
        services.accept_call(scope, dict(CALL), reply=FLAGGED, satisfaction="satisfied", acknowledged=first.value.token)
    assert not Order.objects.exists()


def test_notes_are_checked_too_but_the_customers_reported_words_are_not(org, scope_of_staff):
    scope = scope_of_staff(org.agent)
    with pytest.raises(services.PhraseWarning) as caught:
        services.accept_call(scope, {**CALL, "description": "已告知这个不归我们管"})
    assert list(caught.value.found) == ["description"]
    order = services.accept_call(scope, {**CALL, "description": "客户说“这事我不管”是上次的座席讲的"})
    assert order.state == "accepted" and not PhraseOverride.objects.exists()


def test_a_clean_call_is_saved_without_a_record(org, scope_of_staff):
    order = services.accept_call(
        scope_of_staff(org.agent), dict(CALL), reply="非常感谢您的耐心等待，已为您报修。", satisfaction="satisfied"
    )
    assert order.state == "replied" and not PhraseOverride.objects.exists()


def test_a_reply_needs_the_satisfaction_and_bad_input_changes_nothing(org, scope_of_staff):
    scope = scope_of_staff(org.agent)
    with pytest.raises(RuleViolation) as caught:
        services.accept_call(scope, dict(CALL), reply="已为您报修")
    assert caught.value.problems[0].field == "satisfaction"
    with pytest.raises(RuleViolation) as caught:
        services.accept_call(scope, {**CALL, "phone": "123"}, reply="已为您报修", satisfaction="satisfied")
    assert caught.value.problems[0].field == "phone"
    with pytest.raises(RuleViolation) as caught:  # appeals are not answered at the first contact
        services.accept_call(
            scope, {**CALL, "kind": "appeal", "appeal_source": "工信部"}, reply="已为您报修", satisfaction="satisfied"
        )
    assert caught.value.problems[0].field == "reply"
    assert not Order.objects.exists()


def test_screen_pop_shows_recent_orders_and_open_callbacks_004_L2017(org, scope_of_staff):
    from kefu.followup import services as followup

    scope = scope_of_staff(org.agent)
    first = services.accept_call(scope, dict(CALL))
    followup.create_task(
        scope,
        data={
            "kind": "callback",
            "reason": "回电告知修复时间",
            "phone": "13800138000",
            "due_at": timezone.now() + timedelta(hours=2),
        },
    )
    pop = selectors.screen_pop(scope, "138-0013-8000")
    assert pop.customer is not None and pop.customer.name == "张三"
    assert [o.pk for o in pop.recent] == [first.pk]
    assert [t.reason_params or t.reason_code for t in pop.callbacks] and len(pop.callbacks) == 1
    assert selectors.screen_pop(scope, "13900000000").customer is None
    other_center = _other_center_scope()
    assert selectors.screen_pop(other_center, "13800138000").customer is None  # another center learns nothing


def _other_center_scope():
    from kefu.org import services as org_services
    from kefu.scope import scope_of

    other = org_services.create_center("other", "另一中心")
    staff = org_services.create_staff(
        other,
        staff_no="7001",
        name="外中心",
        roles=["agent"],
        username="u7001",
        password="Kefu-test-2026!",
        check_password=False,
    )
    return scope_of(staff)


def test_standard_phrases_filled_with_surname_and_staff_number_004_L2265_L1229(org, scope_of_staff):
    scope = scope_of_staff(org.agent)
    phrases = {p["code"]: p["text"] for p in selectors.standard_phrases(selectors.phrase_values(scope, "王小明"))}
    assert phrases["apology_calm"] == "王先生/小姐，我非常抱歉。"  # 004:L2265
    assert phrases["ask_staff_name"] == "对不起，我的工号是2001号。"  # 004:L1229
    assert phrases["refuse_because"].endswith("因为【理由/条件】。")  # left for the agent to complete
    unknown = {p["code"]: p["text"] for p in selectors.standard_phrases(selectors.phrase_values(scope, ""))}
    assert unknown["apology_calm"] == "先生/小姐，我非常抱歉。"  # surname unknown (004:L1227)


def test_call_page_offers_the_centers_own_order_types_and_categories(db, client):
    """A 12345 center's workbench offers its policy's categories (the bureaus' issues, 004:L27-69), not the telecom
    list, so what the form submits is what the order service accepts."""
    from kefu.org import services as org_services

    center = org_services.create_center("sn12345", "遂宁12345", preset="gov12345")
    agent = org_services.create_staff(
        center, staff_no="1201", name="员工1201", roles=["agent"], username="g1201", password="x-Pass-12345"
    )
    client.force_login(agent.user)
    body = client.get("/workbench/").content.decode()
    assert 'value="street_lights"' in body and 'value="tariff"' not in body
