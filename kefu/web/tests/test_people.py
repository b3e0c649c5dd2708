"""People and times as a person reads them inside the center (issue 17 item 4): one helper shows staff as
"张三 (1001)" (a Staff row or a bare number looked up among the viewer's center's staff, once per request) and times
in local time; lists are joined with the reader's separator."""

from __future__ import annotations

from datetime import UTC, datetime

from django.template import Context, Template
from django.test import RequestFactory
from django.utils import translation

from kefu.web import people


def test_staff_label_and_local_time():
    assert people.staff_label(name="张三", number="1001") == "张三 (1001)"
    assert people.staff_label(name="", number="1001") == "1001"  # a number nobody holds any more: the number
    moment = datetime(2026, 12, 7, 6, 5, tzinfo=UTC)
    assert people.local_time(moment) == "2026-12-07 14:05"  # Asia/Shanghai, no seconds, no ISO "T"
    assert people.local_time(moment.isoformat()) == "2026-12-07 14:05"  # a time kept in JSON parameters
    assert people.local_time(None) == ""


def test_template_helpers_name_staff_once_per_request(make_staff, django_assert_max_num_queries):
    agent = make_staff("agent", staff_no="2001", name="张三")
    other = make_staff("agent", staff_no="2002", name="李四")
    request = RequestFactory().get("/")
    request.user = agent.user
    template = Template(
        "{% load people %}{{ s|staff }}|{% staff_no a %}|{% staff_no b %}|{% staff_no c %}|{{ xs|listed }}"
    )
    with django_assert_max_num_queries(2):  # the viewer's staff row and the center's directory, once
        shown = template.render(
            Context({"request": request, "s": other, "a": "2001", "b": "2002", "c": "9999", "xs": [agent, other]})
        )
    assert shown == "李四 (2002)|张三 (2001)|李四 (2002)|9999|张三 (2001)、李四 (2002)"
    with translation.override("en"):
        assert Template("{% load people %}{{ xs|listed }}").render(Context({"xs": ["a", "b"]})) == "a, b"
