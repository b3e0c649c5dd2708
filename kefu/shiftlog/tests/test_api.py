"""The handover API end to end, masking and audit of customer data, and the pages' permissions."""

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from kefu.audit.models import AuditRecord
from kefu.shiftlog.models import Handover

DAY = (datetime.now(ZoneInfo("Asia/Shanghai")).date() - timedelta(days=1)).isoformat()


def post(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


@pytest.fixture
def pair(make_staff, client_for):
    out, inc = make_staff("agent", staff_no="2101"), make_staff("senior_agent", staff_no="2102")
    return out, inc, client_for(out), client_for(inc)


@pytest.mark.django_db
def test_full_handover_through_the_api_004_L663(pair):
    out, inc, c_out, c_in = pair
    r = post(
        c_out,
        "/api/shiftlog/handovers",
        {"shift_code": "N", "shift_date": DAY, "incoming_no": "2102", "equipment_state": "7号机台耳机更换中"},
    )
    assert r.status_code == 201, r.content
    h = r.json()
    assert (h["state"], h["outgoing_no"], h["incoming_no"], h["actions"]) == ("draft", "2101", "2102", ["sign_out"])
    r = post(
        c_out,
        f"/api/shiftlog/handovers/{h['id']}/items",
        {
            "kind": "callback",
            "text": "退费到账后回电",
            "customer_phone": "13912345678",
            "customer_name": "李四",
            "due_at": DAY + "T23:00:00+08:00",
        },
    )
    assert r.status_code == 201, r.content
    assert (r.json()["customer_phone"], r.json()["customer_name"]) == ("139****5678", "李*")
    r = post(c_out, f"/api/shiftlog/handovers/{h['id']}/transitions", {"name": "sign_out", "version": h["version"] + 1})
    assert r.status_code == 200, r.content
    signed = r.json()
    assert signed["signed_out_no"] == "2101" and signed["signed_out_at"]
    # the outgoing agent cannot countersign its own diary
    r = post(
        c_out, f"/api/shiftlog/handovers/{h['id']}/transitions", {"name": "countersign", "version": signed["version"]}
    )
    assert r.status_code == 403 and r.json()["detail"][0]["rule"] == "workflow.not_your_party"
    mine = c_in.get("/api/shiftlog/handovers/mine").json()
    assert [x["id"] for x in mine["to_countersign"]] == [h["id"]]
    r = post(
        c_in, f"/api/shiftlog/handovers/{h['id']}/transitions", {"name": "countersign", "version": signed["version"]}
    )
    assert r.status_code == 200 and r.json()["countersigned_no"] == "2102"
    assert [i["holder_no"] for i in c_in.get("/api/shiftlog/handovers/mine").json()["open_items"]] == ["2102"]


@pytest.mark.django_db
def test_customer_reads_are_audited_and_unmask_is_refused_to_agents(pair):
    out, inc, c_out, c_in = pair
    h = post(c_out, "/api/shiftlog/handovers", {"shift_code": "D", "shift_date": DAY, "incoming_no": "2102"}).json()
    item = post(
        c_out,
        f"/api/shiftlog/handovers/{h['id']}/items",
        {"kind": "prospect", "text": "想办宽带套餐", "customer_phone": "13700001111"},
    ).json()
    before = AuditRecord.objects.count()
    body = c_out.get(f"/api/shiftlog/handovers/{h['id']}?unmask=true").json()
    assert body["items"][0]["customer_phone"] == "137****1111"  # an agent may not unmask
    rec = AuditRecord.objects.order_by("-id").first()
    assert AuditRecord.objects.count() == before + 1
    assert (rec.action, rec.object_type, rec.object_ids, rec.staff_no) == (
        "read",
        "customer",
        str(item["customer_id"]),
        "2101",
    )
    # the senior agent may unmask: full number, recorded as an unmask
    full = c_in.get(f"/api/shiftlog/handovers/{h['id']}?unmask=true").json()
    assert full["items"][0]["customer_phone"] == "13700001111"
    assert AuditRecord.objects.order_by("-id").first().action == "unmask"


@pytest.mark.django_db
def test_bad_input_is_a_chinese_error_naming_the_field(pair):
    out, inc, c_out, c_in = pair
    r = post(c_out, "/api/shiftlog/handovers", {"shift_code": "D", "shift_date": DAY, "incoming_no": "2101"})
    assert r.status_code == 400
    assert r.json()["detail"][0]["field"] == "incoming_no" and "接班人" in r.json()["detail"][0]["message"]
    assert Handover.objects.count() == 0
    r = post(c_out, "/api/shiftlog/handovers", {"shift_code": "D", "shift_date": "不是日期"})
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "shift_date"


@pytest.mark.django_db
def test_outsiders_cannot_read_a_handover(pair, make_staff, client_for):
    out, inc, c_out, c_in = pair
    h = post(c_out, "/api/shiftlog/handovers", {"shift_code": "D", "shift_date": DAY, "incoming_no": "2102"}).json()
    other = client_for(make_staff("agent", staff_no="2199"))
    assert other.get(f"/api/shiftlog/handovers/{h['id']}").status_code == 403
    lead = client_for(make_staff("team_lead", staff_no="2198"))
    assert lead.get(f"/api/shiftlog/handovers/{h['id']}").status_code == 200


@pytest.mark.django_db
def test_pages_follow_the_permission_table(make_staff, client_for):
    agent = client_for(make_staff("agent"))
    assert agent.get("/shiftlog/").status_code == 200
    assert agent.get("/shiftlog/supervise/").status_code == 403
    assert client_for(make_staff("supervisor")).get("/shiftlog/supervise/").status_code == 200
    assert client_for(make_staff("auditor")).get("/shiftlog/").status_code == 403


@pytest.mark.django_db
def test_page_form_error_is_shown_and_changes_nothing(make_staff, client_for):
    agent = make_staff("agent", staff_no="2301")
    c = client_for(agent)
    r = c.post("/shiftlog/start/", {"shift_code": "D", "shift_date": DAY, "incoming_no": "0000"}, follow=True)
    assert "接班人工号 0000 不存在" in r.content.decode()
    assert Handover.objects.count() == 0


@pytest.mark.django_db
def test_manager_reviews_an_omission_from_the_pages_004_L669(pair, make_staff, client_for):
    out, inc, c_out, c_in = pair
    h = post(
        c_out,
        "/api/shiftlog/handovers",
        {"shift_code": "D", "shift_date": DAY, "incoming_no": "2102", "equipment_state": "正常"},
    ).json()
    post(c_out, f"/api/shiftlog/handovers/{h['id']}/items", {"kind": "other", "text": "注意新公告"})
    post(c_out, f"/api/shiftlog/handovers/{h['id']}/transitions", {"name": "sign_out", "version": h["version"] + 1})
    post(c_in, f"/api/shiftlog/handovers/{h['id']}/transitions", {"name": "countersign", "version": h["version"] + 2})
    r = c_in.post(f"/shiftlog/h/{h['id']}/issues/", {"kind": "omission", "description": "未交代超时工单"}, follow=True)
    assert "交接责任已登记" in r.content.decode()
    manager = client_for(make_staff("manager", staff_no="2901"))
    board = manager.get("/shiftlog/supervise/").content.decode()
    assert "未交代超时工单" in board and "员工2101 (2101)" in board  # the liable person by name and number
    from kefu.shiftlog.models import Issue

    issue = Issue.objects.get()
    r = manager.post(
        f"/shiftlog/h/{h['id']}/issues/{issue.pk}/decide/", {"upheld": "1", "note": "核实属实"}, follow=True
    )
    assert r.status_code == 200 and "责任已认定" in r.content.decode()
    issue.refresh_from_db()
    assert (issue.status, issue.responsible.staff_no, issue.decided_by.staff_no) == ("upheld", "2101", "2901")
    # an agent cannot decide
    assert (
        c_in.post(f"/shiftlog/h/{h['id']}/issues/{issue.pk}/decide/", {"upheld": "0", "note": "x"}).status_code == 403
    )
