"""The audit search page in English (issue #2): labels, actions, channels, object types and errors;
the notes the apps wrote stay as written."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from kefu.audit.models import AuditRecord
from kefu.web.tests.english import assert_english, english

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")


def test_search_page_in_english(make_staff, client_for):
    for i, (action, object_type) in enumerate(
        [("read", "customer"), ("unmask", "customer"), ("export", "order"), ("login", "staff")]
    ):
        r = AuditRecord.objects.create(
            staff_no="2001", action=action, channel="page", object_type=object_type, object_ids=str(i), note="来电弹屏"
        )
        AuditRecord.objects.filter(pk=r.pk).update(at=datetime(2026, 3, 1, 9, i, tzinfo=TZ))
    client = english(client_for(make_staff("auditor", staff_no="7101")))
    html = assert_english(
        client.get("/audit/"),
        "Audit log search",
        "records",
        "Object type",
        "Source IP",
        "Unmask",
        "Export",
        "Search",
        "Customer",
        "Staff",
        user_data=("来电弹屏", "登录成功", "员工7101"),
    )  # stored text: notes, staff names
    assert ">Log in<" in html and ">Page<" in html
    assert_english(
        client.get("/audit/", {"action": "bogus", "since": "yesterday"}),
        "Unknown action: bogus",
        "From: invalid format",
        "Please correct the search criteria",
        status=400,
    )
    assert_english(
        client.get("/audit/", {"since": "2026-03-02", "until": "2026-03-01"}),
        "“To” must be later than “From”",
        status=400,
    )


def test_chinese_page_unchanged(make_staff, client_for):
    AuditRecord.objects.create(staff_no="2001", action="unmask", channel="api", object_type="customer", object_ids="1")
    html = client_for(make_staff("auditor", staff_no="7102")).get("/audit/").content.decode()
    assert "显示完整信息" in html and "接口" in html and "审计查询" in html and "Unmask" not in html
