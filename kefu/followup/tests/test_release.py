"""Campaign customers an agent holds back (taken with `take_next`, nothing recorded) go back to the list when the
campaign's owner releases them, with a reason; audited, the agent told, another center's owner refused."""

from __future__ import annotations

import pytest
from django.utils import translation

from kefu.audit.models import AuditRecord
from kefu.errors import NotAllowed, RuleViolation
from kefu.followup import campaigns
from kefu.followup.models import CampaignTarget
from kefu.scope import scope_of


@pytest.fixture
def staff(make_staff):
    return {
        "agent": make_staff("agent", staff_no="2001"),
        "agent2": make_staff("agent", staff_no="2002"),
        "owner": make_staff("supervisor", staff_no="5001"),
        "lead2": make_staff("supervisor", staff_no="5002"),
    }


@pytest.fixture
def held(staff, center):
    """A campaign of the owner with two customers; agent 2001 took one and holds it."""
    from kefu.customers.services import upsert_customer

    owner = scope_of(staff["owner"])
    c = campaigns.create(owner, {"name": "续约回访", "questionnaire": [{"text": "满意吗", "scale": ["是", "否"]}]})
    people = [upsert_customer(center, phone=f"1380000000{n}") for n in (1, 2)]
    campaigns.add_selection(owner, c.pk, {"customer_ids": [p.pk for p in people]})
    target = campaigns.take_next(scope_of(staff["agent"]), c.pk)
    assert target.holder == staff["agent"]
    return c, target


def test_the_owner_releases_a_held_customer_with_a_reason(held, staff, client_for):
    from kefu.notify.models import Notification

    c, target = held
    client = client_for(staff["owner"])
    page = client.get(f"/followup/campaigns/{c.pk}/").content.decode()
    assert f'id="held-{target.pk}"' in page and 'class="withdraw-form release-form"' in page
    response = client.post(f"/followup/campaigns/{c.pk}/release/", {"target": target.pk, "reason": "  "})
    assert response.status_code == 400 and "释放原因：必须填写" in response.content.decode()
    assert CampaignTarget.objects.get(pk=target.pk).holder == staff["agent"]
    response = client.post(f"/followup/campaigns/{c.pk}/release/", {"target": target.pk, "reason": "座席已下班"})
    assert response.status_code == 302
    released = CampaignTarget.objects.get(pk=target.pk)
    assert (released.holder, released.taken_at, released.state, released.version) == (
        None,
        None,
        "open",
        target.version + 1,
    )
    audit = AuditRecord.objects.get(object_type="followup.call", fields="holder")
    assert audit.object_ids == str(target.pk) and "原座席 2001" in audit.note and audit.note.endswith("座席已下班")
    note = Notification.objects.get(recipient=staff["agent"], code="followup.notify.released")
    from kefu.messages import render

    assert render(note.code, note.params) == "外呼活动“续约回访”中您占用的客户已由 5001 释放回名单：座席已下班"
    with translation.override("en"):
        assert render(note.code, note.params) == (
            'A customer you held in campaign "续约回访" was released back to the list by 5001: 座席已下班'
        )
    again = client.post(f"/followup/campaigns/{c.pk}/release/", {"target": target.pk, "reason": "再放一次"})
    assert again.status_code == 409 and "没有被座席占用" in again.content.decode()
    # the next agent gets it now (fewest attempts first, the other customer is also free)
    taken = {campaigns.take_next(scope_of(staff["agent2"]), c.pk).pk}
    taken.add(campaigns.take_next(scope_of(staff["agent"]), c.pk).pk)
    assert target.pk in taken


def test_only_the_owner_releases_and_another_center_sees_nothing(held, staff, client_for):
    from kefu.org import services as org

    c, target = held
    with pytest.raises(NotAllowed) as refused:
        campaigns.release(scope_of(staff["lead2"]), c.pk, target.pk, reason="x")
    assert "只有活动的创建人可以释放" in str(refused.value)
    response = client_for(staff["lead2"]).post(
        f"/api/followup/campaigns/{c.pk}/calls/{target.pk}/release", {"reason": "x"}, content_type="application/json"
    )
    assert response.status_code == 403
    other = org.create_center("other", "另一中心")
    stranger = org.create_staff(
        other, staff_no="9001", name="外人", roles=["supervisor"], username="u9001", password="x-Passw0rd-123"
    )
    response = client_for(stranger).post(
        f"/api/followup/campaigns/{c.pk}/calls/{target.pk}/release", {"reason": "x"}, content_type="application/json"
    )
    assert response.status_code == 404
    assert CampaignTarget.objects.get(pk=target.pk).holder == staff["agent"]


def test_a_campaign_without_an_active_owner_is_released_by_a_supervisor(held, staff, client_for):
    c, target = held
    staff["owner"].is_active = False
    staff["owner"].save(update_fields=["is_active"])
    response = client_for(staff["lead2"]).post(
        f"/api/followup/campaigns/{c.pk}/calls/{target.pk}/release",
        {"reason": "创建人已离职"},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["holder_no"] == ""
    with pytest.raises(RuleViolation) as refused:
        campaigns.release(scope_of(staff["lead2"]), c.pk, target.pk, reason="x" * 301)
    assert refused.value.problems[0].field == "reason"
