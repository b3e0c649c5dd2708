"""Outbound campaigns (004:L1001-1009): a call list from a selection or an upload (all-or-nothing, idempotent,
Chinese errors naming row and column), a questionnaire as data, attempts and results on the kernel with the callback
outcome codes (002:L259 closure), progress and a periodic report, retention offers only to the authorised, phones
masked and unmasking audited, every view of the call list audited, scoped by center."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.utils import timezone

QUESTIONS = [
    {"text": "您对本次服务满意吗", "scale": ["满意", "基本满意", "不满意"]},
    {"text": "还有什么建议", "scale": []},
]
OFFER = "续约立减三十元话费"


@pytest.fixture
def staff(make_staff):
    return {
        "agent": make_staff("agent", staff_no="2001"),
        "agent2": make_staff("agent", staff_no="2002"),
        "senior": make_staff("senior_agent", staff_no="3001"),
        "lead": make_staff("supervisor", staff_no="5001"),
    }


@pytest.fixture
def campaign(staff):
    from kefu.followup import campaigns
    from kefu.scope import scope_of

    return campaigns.create(
        scope_of(staff["lead"]),
        {
            "name": "宽带续约回访",
            "purpose": "到期客户续约",
            "questionnaire": QUESTIONS,
            "offer_text": OFFER,
            "offer_roles": ["senior_agent"],
        },
    )


def _csv(text: str) -> bytes:
    return text.encode("utf-8-sig")


def _upload(client, campaign, name: str, body: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(f"/api/followup/campaigns/{campaign.pk}/upload", {"file": SimpleUploadedFile(name, body)})


def test_upload_is_all_or_nothing_with_row_and_column_then_idempotent(campaign, staff, client_for):
    from kefu.customers.models import Customer
    from kefu.followup.models import CampaignImport, CampaignTarget

    client = client_for(staff["lead"])
    bad = _csv("姓名,电话,备注\n张三,13800138000,\n李四,1380013800x,\n王五,,\n")
    response = _upload(client, campaign, "名单.csv", bad)
    assert response.status_code == 400
    messages = [d["message"] for d in response.json()["detail"]]
    assert messages == [
        "名单文件第 3 行“电话”列：“1380013800x”不是有效的电话号码",
        "名单文件第 4 行“电话”列：“”不是有效的电话号码",
    ]
    assert CampaignTarget.objects.count() == 0 and Customer.objects.count() == 0  # nothing of the good row either

    good = _csv("姓名,电话,备注\n张三,13800138000,老客户\n李四,13800138001,\n李四,138-0013-8001,\n")
    first = _upload(client, campaign, "名单.csv", good).json()
    assert first == {"added": 2, "already": 0, "rows": 2, "repeated_file": False, "opted_out": 0}
    again = _upload(client, campaign, "名单（副本）.csv", good).json()
    assert again["repeated_file"] is True and CampaignTarget.objects.count() == 2
    # another file that repeats a customer adds only the new one
    more = _upload(client, campaign, "补充.csv", _csv("电话\n13800138001\n13900001111\n")).json()
    assert (more["added"], more["already"]) == (1, 1)
    assert CampaignTarget.objects.count() == 3 and CampaignImport.objects.count() == 2


def test_upload_excel_and_unreadable_file(campaign, staff, client_for):
    from openpyxl import Workbook

    from kefu.followup.models import CampaignTarget

    wb = Workbook()
    ws = wb.active
    ws.append(["手机号", "客户姓名"])
    ws.append([13800138000, "张三"])  # Excel keeps a number
    ws.append(["13900139000", "李四"])
    buf = io.BytesIO()
    wb.save(buf)
    client = client_for(staff["lead"])
    assert _upload(client, campaign, "list.xlsx", buf.getvalue()).json()["added"] == 2
    assert sorted(t.customer.name for t in CampaignTarget.objects.select_related("customer")) == ["张三", "李四"]
    response = _upload(client, campaign, "list.xlsx", b"PK\x03\x04 not really a workbook")
    assert response.status_code == 400 and "无法读取" in response.json()["detail"][0]["message"]


def test_selection_from_customers(campaign, staff, client_for):
    from kefu.customers.services import upsert_customer

    center = staff["lead"].center
    upsert_customer(center, phone="13800000001", kind="key_account")
    upsert_customer(center, phone="13800000002", is_vip=True)
    upsert_customer(center, phone="13800000003")
    client = client_for(staff["lead"])
    url = f"/api/followup/campaigns/{campaign.pk}/select"
    assert client.post(url, {"kind": "key_account"}, content_type="application/json").json()["added"] == 1
    assert client.post(url, {"vip_only": True}, content_type="application/json").json()["added"] == 1
    twice = client.post(url, {"kind": "key_account"}, content_type="application/json").json()
    assert (twice["added"], twice["already"]) == (0, 1)
    response = client.post(url, {}, content_type="application/json")
    assert response.status_code == 400 and "至少选择一个条件" in response.json()["detail"][0]["message"]
    response = client.post(url, {"kind": "gold"}, content_type="application/json")
    assert response.status_code == 400 and "gold" in response.json()["detail"][0]["message"]


def test_create_campaign_problems_in_chinese(staff, client_for):
    client = client_for(staff["lead"])
    response = client.post(
        "/api/followup/campaigns",
        {"name": "", "questionnaire": [{"text": "是否续约", "scale": ["是"]}], "offer_roles": ["boss"]},
        content_type="application/json",
    )
    assert response.status_code == 400
    fields = {d["field"]: d["message"] for d in response.json()["detail"]}
    assert fields["name"].startswith("活动名称：必须填写") and "问卷第 1 题" in fields["questionnaire"]
    assert "boss" in fields["offer_roles"]
    assert (
        client_for(staff["agent"])
        .post("/api/followup/campaigns", {"name": "x"}, content_type="application/json")
        .status_code
        == 403
    )


def _fill(campaign, phones):
    from kefu.customers.services import upsert_customer
    from kefu.followup.campaigns import add_customers

    add_customers(campaign, [upsert_customer(campaign.center, phone=p) for p in phones], "selection", timezone.now())


def test_agent_works_one_customer_at_a_time_and_progress_004_L1003(campaign, staff, client_for):
    from kefu.followup import campaigns

    _fill(campaign, ["13800000001", "13800000002", "13800000003"])
    agent = client_for(staff["agent"])
    first = agent.post(f"/api/followup/campaigns/{campaign.pk}/next").json()
    assert first["customer_phone"] == "138****0001" and first["holder_no"] == "2001"
    assert first["actions"] == ["attempt", "complete", "close"]
    # another agent gets another customer, and may not record on the first one
    other = client_for(staff["agent2"])
    second = other.post(f"/api/followup/campaigns/{campaign.pk}/next").json()
    assert second["id"] != first["id"]
    refused = other.post(
        f"/api/followup/calls/{first['id']}/fire",
        {"name": "attempt", "outcome": "no_answer"},
        content_type="application/json",
    )
    assert refused.status_code == 403

    url = f"/api/followup/calls/{first['id']}/fire"
    bad = agent.post(url, {"name": "complete", "answers": {"q1": "很好"}}, content_type="application/json")
    assert bad.status_code == 400
    assert [d["message"] for d in bad.json()["detail"]] == [
        "问卷第 1 题“您对本次服务满意吗”：“很好”不是可选的答案",
        "问卷第 2 题“还有什么建议”：必须回答",
    ]
    unknown = agent.post(url, {"name": "attempt", "outcome": "asleep"}, content_type="application/json")
    assert unknown.status_code == 400 and "asleep" in unknown.json()["detail"][0]["message"]
    assert campaigns.get_target(_scope(staff["agent"]), first["id"]).attempt_count == 0  # nothing changed
    done = agent.post(
        url, {"name": "complete", "answers": {"q1": "基本满意", "q2": "网速再快些"}}, content_type="application/json"
    ).json()
    assert done["state"] == "done" and done["answers"] == {"q1": "基本满意", "q2": "网速再快些"}
    # the second agent: three failed tries then unreachable (002:L259); refused on the next
    url2 = f"/api/followup/calls/{second['id']}/fire"
    early = other.post(url2, {"name": "close", "closure": "unreachable"}, content_type="application/json")
    assert (
        early.status_code == 400 and "制度要求 3 次" in early.json()["detail"][0]["message"]
    )  # no seed line shown to staff
    for outcome in ("no_answer", "busy", "powered_off"):
        assert (
            other.post(url2, {"name": "attempt", "outcome": outcome}, content_type="application/json").status_code
            == 200
        )
    assert (
        other.post(url2, {"name": "close", "closure": "unreachable"}, content_type="application/json").json()["state"]
        == "closed"
    )
    third = other.post(f"/api/followup/campaigns/{campaign.pk}/next").json()
    url3 = f"/api/followup/calls/{third['id']}/fire"
    other.post(url3, {"name": "attempt", "outcome": "refused"}, content_type="application/json")
    assert other.post(url3, {"name": "close", "closure": "refused"}, content_type="application/json").status_code == 200
    assert other.post(f"/api/followup/campaigns/{campaign.pk}/next").status_code == 204  # nobody left

    p = campaigns.progress(campaign)
    assert (p.total, p.called, p.reached, p.completed, p.refused, p.closed) == (3, 3, 1, 1, 1, 2)
    rows = client_for(staff["lead"]).get(f"/api/followup/campaigns/{campaign.pk}/report?period=day").json()
    today = timezone.localdate().isoformat()
    assert rows[-1] == {"start": today, "called": 3, "attempts": 5, "reached": 1, "completed": 1, "refused": 1}


def _scope(staff):
    from kefu.scope import scope_of

    return scope_of(staff)


def test_offer_only_to_authorised_agents_page_and_api_004_L1009(campaign, staff, client_for):
    from kefu.followup import campaigns

    _fill(campaign, ["13800000001", "13800000002", "13800000003"])
    agent = client_for(staff["agent"])
    call = agent.post(f"/api/followup/campaigns/{campaign.pk}/next").json()
    assert call["offer_text"] is None
    for url in (
        f"/api/followup/campaigns/{campaign.pk}",
        "/api/followup/campaigns",
        f"/api/followup/calls/{call['id']}",
    ):
        assert OFFER not in agent.get(url).content.decode()
    for url in (f"/followup/campaigns/{campaign.pk}/", f"/followup/calls/{call['id']}/", "/followup/campaigns/"):
        page = agent.get(url)
        assert page.status_code == 200 and OFFER not in page.content.decode()
    # the agent may not record an offer they were never shown
    refused = agent.post(
        f"/api/followup/calls/{call['id']}/fire",
        {"name": "complete", "answers": {"q1": "满意", "q2": "无"}, "offer": "accepted"},
        content_type="application/json",
    )
    assert refused.status_code == 400 and "未获授权" in refused.json()["detail"][0]["message"]

    senior = client_for(staff["senior"])  # by role
    assert senior.get(f"/api/followup/campaigns/{campaign.pk}").json()["offer_text"] == OFFER
    mine = senior.post(f"/api/followup/campaigns/{campaign.pk}/next").json()
    assert mine["offer_text"] == OFFER and OFFER in senior.get(f"/followup/calls/{mine['id']}/").content.decode()

    lead = client_for(staff["lead"])  # a per-agent grant
    assert (
        lead.post(
            f"/api/followup/campaigns/{campaign.pk}/grants", {"staff_no": "2001"}, content_type="application/json"
        ).status_code
        == 200
    )
    assert agent.get(f"/api/followup/calls/{call['id']}").json()["offer_text"] == OFFER
    done = agent.post(
        f"/api/followup/calls/{call['id']}/fire",
        {"name": "complete", "answers": {"q1": "满意", "q2": "无"}, "offer": "accepted"},
        content_type="application/json",
    ).json()
    assert done["offer_accepted"] is True
    lead.post(
        f"/api/followup/campaigns/{campaign.pk}/grants",
        {"staff_no": "2001", "granted": False},
        content_type="application/json",
    )
    assert OFFER not in agent.get(f"/followup/campaigns/{campaign.pk}/").content.decode()
    assert campaigns.may_see_offer(_scope(staff["agent"]), campaign) is False


def test_call_list_masked_unmask_audited_and_scoped_by_center(campaign, staff, client_for):
    from kefu.audit.models import AuditRecord
    from kefu.org import services as org

    _fill(campaign, ["13800138000"])
    lead = client_for(staff["lead"])
    before = AuditRecord.objects.count()
    rows = lead.get(f"/api/followup/campaigns/{campaign.pk}/calls").json()
    assert rows[0]["customer_phone"] == "138****8000"
    masked = AuditRecord.objects.order_by("-id").first()
    assert AuditRecord.objects.count() == before + 1 and "(masked)" in masked.fields
    rows = lead.get(f"/api/followup/campaigns/{campaign.pk}/calls?unmask=true").json()
    assert rows[0]["customer_phone"] == "13800138000"
    unmasked = AuditRecord.objects.order_by("-id").first()
    assert unmasked.fields == "phone,name" and unmasked.object_type == "customers.customer"
    page = lead.get(f"/followup/campaigns/{campaign.pk}/")
    assert "138****8000" in page.content.decode() and "13800138000" not in page.content.decode()
    # an agent cannot unmask (no permission): the flag is ignored
    agent = client_for(staff["agent"])
    call = agent.post(f"/api/followup/campaigns/{campaign.pk}/next").json()
    assert agent.get(f"/api/followup/calls/{call['id']}?unmask=true").json()["customer_phone"] == "138****8000"

    other = org.create_center("other", "另一中心")
    stranger = org.create_staff(
        other, staff_no="9001", name="外人", roles=["supervisor"], username="u9001", password="x-Passw0rd-x"
    )
    client = client_for(stranger)
    assert client.get(f"/api/followup/campaigns/{campaign.pk}").status_code == 404
    assert client.get(f"/api/followup/calls/{call['id']}").status_code == 404
    assert client.get("/api/followup/campaigns").json() == []


def test_ended_campaign_takes_no_more_calls(campaign, staff, client_for):
    _fill(campaign, ["13800000001"])
    client_for(staff["lead"]).post(f"/api/followup/campaigns/{campaign.pk}/end")
    response = client_for(staff["agent"]).post(f"/api/followup/campaigns/{campaign.pk}/next")
    assert response.status_code == 409 and "已结束" in response.json()["detail"][0]["message"]


def test_report_page_and_excel(campaign, staff, client_for):
    from openpyxl import load_workbook

    from kefu.followup import campaigns

    _fill(campaign, ["13800000001"])
    target = campaigns.take_next(_scope(staff["agent"]), campaign.pk)
    campaigns.fire(
        _scope(staff["agent"]), target.pk, "attempt", outcome="busy", now=timezone.now() - timedelta(minutes=5)
    )
    lead = client_for(staff["lead"])
    page = lead.get(f"/followup/campaigns/{campaign.pk}/report/?period=day")
    assert page.status_code == 200 and "外呼报表" in page.content.decode()
    sheet = lead.get(f"/followup/campaigns/{campaign.pk}/report/?period=day&format=xlsx")
    ws = load_workbook(io.BytesIO(sheet.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[1][:6] == ("期间开始", "已呼叫客户", "呼叫次数", "已联系上", "完成问卷", "已拒绝")
    assert rows[2][1:6] == (1, 1, 0, 0, 0)
    bad = lead.get(f"/followup/campaigns/{campaign.pk}/report/?start=2026-02-30")
    assert bad.status_code == 400
    assert lead.get(f"/api/followup/campaigns/{campaign.pk}/report?period=year").status_code == 400
    assert client_for(staff["agent"]).get(f"/followup/campaigns/{campaign.pk}/report/").status_code == 403


def test_every_label_of_the_call_machine_is_in_the_catalogue():
    from kefu.followup.campaigns import MACHINE
    from kefu.messages import catalogue
    from kefu.workflow import check_declared

    assert check_declared([MACHINE], catalogue()) == []


def test_campaign_pages_read_in_english(campaign, staff, client_for):
    from kefu.web.tests.english import chinese_left, english

    _fill(campaign, ["13800000001", "13800000002"])
    lead = english(client_for(staff["lead"]))
    senior = english(client_for(staff["senior"]))
    call = senior.post(f"/api/followup/campaigns/{campaign.pk}/next").json()
    senior.post(
        f"/api/followup/calls/{call['id']}/fire",
        {"name": "attempt", "outcome": "wrong_number"},
        content_type="application/json",
    )
    user_data = [
        campaign.name,
        campaign.purpose,
        OFFER,
        *[q["text"] for q in QUESTIONS],
        *[o for q in QUESTIONS for o in q["scale"]],
        "张*",
        "李*",
    ]
    pages = [
        (lead, "/followup/campaigns/"),
        (lead, f"/followup/campaigns/{campaign.pk}/"),
        (lead, f"/followup/campaigns/{campaign.pk}/report/"),
        (senior, f"/followup/calls/{call['id']}/"),
        (lead, "/followup/figures/"),
    ]
    for client, url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert chinese_left(response.content.decode(), user_data) == [], url
