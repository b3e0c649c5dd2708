"""The handover pages in English (issue #2): write, sign, countersign, report a fault, review.
What people typed and the customer (masked) stay as entered; the presets' shift names are translated."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from kefu.shiftlog.models import Handover, Issue
from kefu.shiftlog.tests.test_api import DAY
from kefu.web.tests.english import assert_english, english

pytestmark = pytest.mark.django_db
DUE = (datetime.now(ZoneInfo("Asia/Shanghai")) + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")
TYPED = ("话务系统正常", "回电告知维修进度", "张", "未交代超时工单", "核实属实")


def test_handover_pages_in_english(make_staff, client_for):  # 004:L663, L669
    out = english(client_for(make_staff("agent", staff_no="7501")))
    inc = english(client_for(make_staff("agent", staff_no="7502")))
    assert_english(
        out.get("/shiftlog/"),
        "My handovers",
        "Write a handover log",
        "Equipment / systems status",
        "e.g. 1013",
        "Waiting for my countersignature",
        user_data=TYPED,
    )
    r = out.post(
        "/shiftlog/start/",
        {"shift_code": "D", "shift_date": DAY, "incoming_no": "7502", "equipment_state": TYPED[0]},
        follow=True,
    )
    assert_english(
        r,
        "Handover log created; open items were carried over",
        "Draft",
        "Record a handover item",
        "Callback due",
        "Sign off (staff no. 7501)",
        "Created",
        "Day shift",
        user_data=TYPED,
    )
    h = Handover.objects.get()
    r = out.post(
        f"/shiftlog/h/{h.pk}/items/",
        {"kind": "callback", "text": TYPED[1], "customer_phone": "13800138000", "customer_name": "张三", "due_at": DUE},
        follow=True,
    )
    assert_english(
        r, "Item recorded", "Callback due", "Open", "Item recorded: Callback due", user_data=TYPED + ("张*",)
    )
    r = out.post(
        f"/shiftlog/h/{h.pk}/transition/", {"name": "sign_out", "version": Handover.objects.get().version}, follow=True
    )
    assert_english(r, "Signed off", user_data=TYPED + ("张*",))
    assert_english(inc.get("/shiftlog/"), "Review and countersign", user_data=TYPED)
    r = inc.post(
        f"/shiftlog/h/{h.pk}/transition/",
        {"name": "countersign", "version": Handover.objects.get().version},
        follow=True,
    )
    assert_english(r, "Countersigned", "Incoming countersignature", user_data=TYPED + ("张*",))
    r = inc.post(f"/shiftlog/h/{h.pk}/issues/", {"kind": "omission", "description": TYPED[3]}, follow=True)
    assert_english(
        r,
        "Handover fault recorded",
        "Omission",
        "Responsible: Outgoing (staff no. 7501)",
        "Awaiting ruling",
        "Omission reported",
        user_data=TYPED + ("张*",),
    )
    manager = english(client_for(make_staff("manager", staff_no="7503")))
    assert_english(
        manager.get("/shiftlog/supervise/"),
        "Handover review",
        "Handover faults awaiting a ruling",
        "Rule",
        "Open handover items, whole center",
        user_data=TYPED + ("张*",),
    )
    r = manager.post(
        f"/shiftlog/h/{h.pk}/issues/{Issue.objects.get().pk}/decide/", {"upheld": "1", "note": TYPED[4]}, follow=True
    )
    assert_english(r, "Ruling recorded", "Upheld", "Ruling: upheld", user_data=TYPED + ("张*",))


def test_the_log_is_stored_as_codes_whatever_the_writer_reads(make_staff, client_for):
    out = english(client_for(make_staff("agent", staff_no="7504")))
    make_staff("agent", staff_no="7505")
    out.post(
        "/shiftlog/start/", {"shift_code": "D", "shift_date": DAY, "incoming_no": "7505", "equipment_state": "正常"}
    )
    h = Handover.objects.get()
    out.post(
        f"/shiftlog/h/{h.pk}/items/",
        {"kind": "callback", "text": "回电", "customer_phone": "13800138000", "due_at": DUE},
    )
    assert list(h.events.values_list("code", "params", "note")) == [
        ("shiftlog.event.created", {}, ""),
        ("shiftlog.event.item_added", {"kind": {"code": "shiftlog.item.kind.callback", "params": {}}}, "回电"),
    ]
    html = client_for(make_staff("supervisor", staff_no="7506")).get(f"/shiftlog/h/{h.pk}/").content.decode()
    assert "登记事项：待回电" in html and "回电" in html and "草稿" in html
