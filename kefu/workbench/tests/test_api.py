"""The workbench API: the phrase checker on a reply (004:L1805, 004:L1851), a call accepted with the same check
(409 with the hits, then saved anyway with the token and recorded), the order search masked and audited, QA's list."""

from __future__ import annotations

import json

from kefu.audit.models import AuditRecord
from kefu.tickets.models import Order
from kefu.workbench.models import PhraseOverride

CALL = {
    "kind": "consultation",
    "phone": "13800138000",
    "customer_name": "张三",
    "subject": "交费后未开机",
    "description": "客户反映已交费但手机仍未开通",
}


def _post(client, path, body):
    return client.post(path, data=json.dumps(body), content_type="application/json")


def test_check_a_reply_from_the_api(org, client_for):
    client = client_for(org.agent)
    answer = _post(client, "/api/workbench/check", {"text": "抱歉久等，这个不归我们管"}).json()
    assert answer["ok"] is False
    assert [(h["phrase"], h["suggestion"]) for h in answer["hits"]] == [
        ("抱歉久等", "非常感谢您的耐心等待。"),
        ("不归我们管", "有专人负责，我帮您转过去。"),
    ]
    assert answer["hits"][0]["category_label"] == "习惯用语"
    assert _post(client, "/api/workbench/check", {"text": "非常感谢您的耐心等待。"}).json() == {"ok": True, "hits": []}
    too_long = _post(client, "/api/workbench/check", {"text": "好" * 5000})
    assert too_long.status_code in (400, 422) and too_long.json()["detail"][0]["field"]


def test_call_with_flagged_reply_answers_409_then_saves_anyway(org, client_for):
    client = client_for(org.agent)
    body = {**CALL, "reply": "抱歉久等，这个不归我们管", "satisfaction": "satisfied"}
    first = _post(client, "/api/workbench/calls", body)
    assert first.status_code == 409 and not Order.objects.exists()
    warning = first.json()
    assert warning["detail"][0]["field"] == "reply" and warning["fields"][0]["hits"][1]["phrase"] == "不归我们管"
    second = _post(client, "/api/workbench/calls", {**body, "acknowledged": warning["acknowledged"]})
    assert second.status_code == 201 and second.json()["state"] == "replied" and second.json()["phrase_hits_saved"] == 1
    record = PhraseOverride.objects.get()
    assert record.channel == "api" and record.order.number == second.json()["number"]
    qa = client_for(org.qa).get("/api/workbench/overrides").json()
    assert [r["order_number"] for r in qa] == [second.json()["number"]] and qa[0]["staff_no"] == "2001"
    assert client.get("/api/workbench/overrides").status_code == 403  # agents do not read QA's list


def test_call_with_bad_input_names_the_field_and_changes_nothing(org, client_for):
    answer = _post(client_for(org.agent), "/api/workbench/calls", {**CALL, "phone": "12"})
    assert answer.status_code == 400 and answer.json()["detail"][0]["field"] == "phone"
    assert not Order.objects.exists()


def test_search_api_masks_and_audits(org, client_for):
    client = client_for(org.agent)
    number = _post(client, "/api/workbench/calls", CALL).json()["number"]
    found = client.get("/api/workbench/orders", {"q": "未开机"}).json()
    assert found["total"] == 1 and found["results"][0]["number"] == number
    assert found["results"][0]["customer_phone"] == "138****8000" and found["results"][0]["customer_name"] != "张三"
    assert AuditRecord.objects.filter(object_type="tickets.order", channel="api", note="查找工单").exists()
    assert client.get("/api/workbench/orders", {"q": "13800138000"}).json()["total"] == 1
    bad = client.get("/api/workbench/orders", {"level": "x"})
    assert bad.status_code == 400 and bad.json()["detail"][0]["field"] == "level"


def test_pages_in_chinese_by_default_and_in_english(org, client_for):
    from django.conf import settings

    client = client_for(org.agent)
    assert "来电工作台" in client.get("/workbench/").content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get("/workbench/").content.decode()
    assert "Call workbench" in page and "Keyboard shortcuts" in page and "快捷键" not in page
    search = client.get("/workbench/search/", {"q": "费"})
    assert search.status_code == 400 and "single Chinese character" in search.content.decode()
