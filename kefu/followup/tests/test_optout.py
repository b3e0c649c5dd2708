"""A customer's refusal of follow-up contact: by an SMS reply with the policy's keyword, on the survey page, or told
to an agent; no survey SMS, no campaign, the complaint's return visit recorded as refused (002:L259 wants 100 % of
complaints visited: the visit is created and closed as refused, not skipped); audited; withdrawn with a reason."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone, translation

from kefu.audit.models import AuditRecord
from kefu.errors import RuleViolation
from kefu.followup import optout, services
from kefu.followup.models import OptOut, Survey, Task
from kefu.scope import scope_of

PHONE = "13800138000"


@pytest.fixture
def sms_channel(center):
    from kefu.notify.models import Channel

    return Channel.objects.create(
        center=center, kind="sms", name="短信", url="http://127.0.0.1:9/sms", secret="k-123456"
    )


def _reply(text: str, key: str = "k-123456", mobile: str = PHONE):
    return Client().post(
        "/followup/sms/inbound/",
        json.dumps({"mobile": mobile, "text": text}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )


def test_an_sms_reply_with_the_keyword_opts_out_and_no_survey_follows(sms_channel, replied_complaint, center):
    from kefu.notify.models import Outbox

    assert _reply("TD", key="wrong").status_code == 403
    assert _reply("好的谢谢").json() == {"ok": True, "opted_out": False}
    assert _reply("TD", mobile="13900000000").json() == {"ok": True, "opted_out": False}  # not our customer
    assert not OptOut.objects.exists()
    assert _reply(" ｔｄ ").json() == {"ok": True, "opted_out": True}  # full-width, spaces, lower case
    assert _reply("退订").json()["opted_out"] is True  # the same standing refusal, not a second row
    row = OptOut.objects.get()
    assert (row.channel, row.customer_id, row.withdrawn_at) == ("sms_reply", replied_complaint.customer_id, None)
    assert (
        AuditRecord.objects.filter(
            object_type="followup.optout", object_ids__contains=str(row.pk), action="write"
        ).count()
        == 1
    )
    assert services.scan(replied_complaint.replied_at + timedelta(minutes=5))["survey"] == 0
    assert not Survey.objects.exists() and not Outbox.objects.filter(via="sms").exists()


def test_the_survey_sms_names_the_keyword_and_the_page_takes_a_refusal(replied_complaint):
    from kefu.notify.models import Outbox
    from kefu.notify.services import text_of

    services.scan(replied_complaint.replied_at + timedelta(minutes=5))
    row = Outbox.objects.get(via="sms")
    assert text_of(row).endswith("回复TD不再接收回访")
    with translation.override("en"):
        from kefu.messages import render

        assert render(row.code, row.params).endswith("Reply TD to receive no more follow-up contact")
    url = re.search(r"(/followup/s/[^/]+/)", row.params["url"]).group(1)
    page = Client().get(url).content.decode()
    assert 'id="survey-optout-form"' in page
    forged = url[:-3] + ("A" if url[-3] != "A" else "B") + url[-2:]
    assert Client().post(forged + "optout/").status_code == 404
    assert not OptOut.objects.exists()
    done = Client().post(url + "optout/")
    assert done.status_code == 200 and "不会再为回访" in done.content.decode()
    assert OptOut.objects.get().channel == "survey_page"
    assert AuditRecord.objects.filter(object_type="followup.optout").count() == 1


def test_the_return_visit_of_a_refusing_customer_is_recorded_refused_002_L259(
    replied_complaint, people, center, client_for
):
    """002:L259: 100 % of complaints visited. A customer who refused is not called: the visit is created and closed
    as refused at once, with the refusal as its reason, and the coverage counts it."""
    from kefu.followup import selectors

    optout.record_by_agent(scope_of(people["agent"]), phone=PHONE, note="客户说不要再打来")
    now = replied_complaint.replied_at + timedelta(minutes=5)
    assert services.scan(now)["return_visit"] == 1
    task = Task.objects.get(kind="return_visit")
    assert (task.state, task.closure, task.closed_at) == ("closed", "refused", now)
    assert task.events.filter(code="followup.task.refused_by_customer").exists()
    assert services.scan(now)["return_visit"] == 0
    from kefu.notify.models import Notification

    assert not Notification.objects.filter(code="followup.notify.assigned").exists()  # nobody is asked to call
    f = selectors.figures(scope_of(people["lead"]), now - timedelta(days=1), now + timedelta(days=1), now)
    assert (f.coverage.numerator, f.coverage.denominator) == (1, 1)
    page = client_for(people["agent"]).get(f"/followup/t/{task.pk}/").content.decode()
    assert "未安排回访，按客户拒绝结案：客户已于" in page and "来电时告知座席" in page
    client = client_for(people["agent"])
    client.cookies["django_language"] = "en"
    page = client.get(f"/followup/t/{task.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "No visit arranged, closed as refused: the customer refused follow-up contact on" in page
    assert "told an agent on a call" in page


def test_an_open_task_closes_as_refused_without_calling_once_the_customer_refused(replied_complaint, people):
    now = replied_complaint.replied_at + timedelta(minutes=5)
    services.scan(now)
    task = Task.objects.get(kind="return_visit")
    owner = scope_of(task.owner)
    with pytest.raises(RuleViolation) as refused:
        services.fire(owner, task.pk, name="close", closure="refused")
    assert refused.value.problems[0].rule == "followup.close.not_yet"
    optout.record_by_agent(owner, customer_id=task.customer_id)
    closed = services.fire(owner, task.pk, name="close", closure="refused")
    assert (closed.state, closed.closure, closed.attempt_count) == ("closed", "refused", 0)


def test_a_visit_by_hand_is_refused_a_callback_asked_for_is_not(replied_complaint, people):
    scope = scope_of(people["agent"])
    optout.record_by_agent(scope, phone=PHONE)
    due = (timezone.now() + timedelta(days=1)).strftime("%Y-%m-%d %H:%M")
    with pytest.raises(RuleViolation) as refused:
        services.create_task(scope, data={"kind": "member_visit", "reason": "会员回访", "phone": PHONE, "due_at": due})
    problem = refused.value.problems[0]
    assert problem.rule == "followup.optout.no_visit" and problem.field == "phone"
    assert "拒绝回访（来电时告知座席），不能登记回访任务" in str(problem.message)
    with translation.override("en"):
        assert str(problem.message).startswith("The customer refused follow-up contact on ")
        assert "so no visit can be entered" in str(problem.message)
    assert not Task.objects.exists()
    task = services.create_task(
        scope, data={"kind": "callback", "reason": "客户要求明早回电", "phone": PHONE, "due_at": due}
    )
    assert task.state == "open"


def test_campaigns_leave_a_refusing_customer_out(people, center):
    from kefu.customers.services import upsert_customer
    from kefu.followup import campaigns
    from kefu.followup.models import CampaignTarget

    lead, agent = scope_of(people["lead"]), scope_of(people["agent"])
    a = upsert_customer(center, phone="13800000001")
    b = upsert_customer(center, phone="13800000002")
    c = upsert_customer(center, phone="13800000003")
    optout.record_by_agent(agent, customer_id=a.pk)
    campaign = campaigns.create(lead, {"name": "续约", "questionnaire": [{"text": "满意吗", "scale": ["是", "否"]}]})
    added = campaigns.add_selection(lead, campaign.pk, {"customer_ids": [a.pk, b.pk, c.pk]})
    assert (added.added, added.opted_out) == (2, 1)
    assert not CampaignTarget.objects.filter(customer=a).exists()
    optout.record_by_agent(agent, customer_id=b.pk)  # refused after being listed: given to nobody
    taken = [campaigns.take_next(agent, campaign.pk) for _ in range(2)]
    assert taken[0].customer_id == c.pk and taken[1].customer_id == c.pk  # only c is left to call


def test_withdrawal_needs_a_reason_is_audited_and_contact_resumes(replied_complaint, people, client_for):
    agent = client_for(people["agent"])
    response = agent.post("/followup/optouts/new/", {"phone": "138"})
    assert response.status_code == 400 and "不是有效的电话号码" in response.content.decode()
    response = agent.post("/followup/optouts/new/", {"phone": "13912345678"})
    assert response.status_code == 400 and "没有这个号码的客户" in response.content.decode()
    assert not OptOut.objects.exists()
    agent.post("/followup/optouts/new/", {"phone": PHONE, "note": "来电要求"})
    row = OptOut.objects.get()
    page = agent.get("/followup/optouts/").content.decode()
    assert 'id="optout-%d"' % row.pk in page and PHONE not in page and "138****8000" in page
    assert AuditRecord.objects.filter(object_type="customers.customer", note="拒绝回访登记").exists()
    response = agent.post(f"/followup/optouts/{row.pk}/withdraw/", {"reason": " "})
    assert response.status_code == 400 and "撤销原因：必须填写" in response.content.decode()
    row.refresh_from_db()
    assert row.withdrawn_at is None
    agent.post(f"/followup/optouts/{row.pk}/withdraw/", {"reason": "客户来电同意再回访"})
    row.refresh_from_db()
    assert (row.withdraw_reason, row.withdrawn_by) == ("客户来电同意再回访", people["agent"])
    assert AuditRecord.objects.filter(object_type="followup.optout", note="followup.optout.withdraw").count() == 1
    again = agent.post(f"/followup/optouts/{row.pk}/withdraw/", {"reason": "再来一次"})
    assert again.status_code == 409 and "已于" in again.content.decode()
    now = replied_complaint.replied_at + timedelta(minutes=5)
    counts = services.scan(now)
    assert (counts["survey"], counts["return_visit"]) == (1, 1)
    assert Task.objects.get(kind="return_visit").state == "open"


def test_another_centers_refusal_cannot_be_withdrawn(people, replied_complaint, client_for):
    from kefu.org import services as org

    optout.record_by_agent(scope_of(people["agent"]), phone=PHONE)
    other = org.create_center("other", "另一中心")
    stranger = org.create_staff(
        other, staff_no="9001", name="外人", roles=["supervisor"], username="u9001", password="x-Passw0rd-123"
    )
    response = client_for(stranger).post(f"/followup/optouts/{OptOut.objects.get().pk}/withdraw/", {"reason": "x"})
    assert response.status_code == 404
    assert OptOut.objects.get().withdrawn_at is None
    assert "13800138000" not in client_for(stranger).get("/followup/optouts/").content.decode()


def _main_text(page: str) -> str:
    """The page's main content without markup, scripts or the language picker."""
    body = page.split("<main", 1)[-1].split("</main>", 1)[0]
    body = re.sub(r"<script.*?</script>|<style.*?</style>", "", body, flags=re.S)
    return re.sub(r"<[^>]+>", " ", body)


def test_the_refusals_page_and_the_survey_page_in_english(replied_complaint, people, client_for):
    services.scan(replied_complaint.replied_at + timedelta(minutes=5))
    from kefu.notify.models import Outbox

    url = re.search(r"(/followup/s/[^/]+/)", Outbox.objects.get(via="sms").params["url"]).group(1)
    optout.record_by_agent(scope_of(people["agent"]), phone=PHONE)
    client = client_for(people["agent"])
    client.cookies["django_language"] = "en"
    page = _main_text(client.get("/followup/optouts/", HTTP_ACCEPT_LANGUAGE="en").content.decode())
    assert "Customers who refused contact" in page and "told an agent on a call" in page
    assert set(re.findall(r"[\u4e00-\u9fff]+", page)) == {"张"}  # only the customer's masked name (张*), data
    customer = Client()
    customer.cookies["django_language"] = "en"
    page = _main_text(customer.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode())
    assert "No more follow-up calls or surveys" in page
    done = _main_text(customer.post(url + "optout/", HTTP_ACCEPT_LANGUAGE="en").content.decode())
    assert "we will not contact you again" in done and re.findall(r"[\u4e00-\u9fff]+", done) == []


def test_the_api_records_lists_and_withdraws(replied_complaint, people, client_for):
    api = client_for(people["agent"])
    bad = api.post("/api/followup/optouts", {"phone": "12"}, content_type="application/json")
    assert bad.status_code == 400 and bad.json()["detail"][0]["field"] == "phone"
    made = api.post("/api/followup/optouts", {"phone": PHONE, "note": "来电要求"}, content_type="application/json")
    assert made.status_code == 201
    body = made.json()
    assert (body["channel_label"], body["customer_phone"], body["by_no"]) == ("来电时告知座席", "138****8000", "2001")
    listed = api.get("/api/followup/optouts").json()
    assert [o["id"] for o in listed] == [body["id"]]
    assert AuditRecord.objects.filter(channel="api", object_type="customers.customer", note="拒绝回访登记").exists()
    refused = api.post(f"/api/followup/optouts/{body['id']}/withdraw", {"reason": ""}, content_type="application/json")
    assert refused.status_code == 400 and refused.json()["detail"][0]["field"] == "reason"
    done = api.post(
        f"/api/followup/optouts/{body['id']}/withdraw", {"reason": "客户同意再联系"}, content_type="application/json"
    )
    assert done.status_code == 200 and done.json()["withdraw_reason"] == "客户同意再联系"
    assert api.get("/api/followup/optouts").json() == []
    assert len(api.get("/api/followup/optouts?include_withdrawn=true").json()) == 1
