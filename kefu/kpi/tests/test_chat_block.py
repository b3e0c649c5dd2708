"""Chat beside calls on the KPI dashboard (issue 16 item 5): sessions, first reply and its 9-second rule (001:L149,
applied to chat, not to phone answers), response times, sessions per agent and conversion session → order, for a
center with chat data; nothing for a center without."""

from __future__ import annotations

from datetime import date, datetime

import polars as pl
import pytest

from kefu.shop import chat
from kefu.shop.tests.test_chat import LINES, frame

EXPORT = "\n".join(("会话ID,买家,客服,发送方,时间,内容", *LINES)).encode()


def test_summary_of_the_hand_worked_export():  # 001:L149
    messages, _ = frame(*LINES)
    orders = pl.DataFrame({"buyer": ["buyer_a"], "placed_at": [datetime(2026, 12, 7, 10, 5)]})
    s = chat.summary(chat.sessions(messages), orders, 9)
    t = s["total"]
    # S1 answered in 9 s (within), S2 in 10 s (late), S3 never: 1 of the 2 answered sessions within the rule
    assert (t["sessions"], t["agents"], t["sessions_per_agent"], t["unanswered"]) == (3, 2, 1.5, 1)
    assert (t["mean_first_reply"], t["within_rule"], t["conversion"]) == (9.5, 0.5, pytest.approx(1 / 3))
    assert t["mean_response"] == pytest.approx((19.5 + 10.0) / 2)
    assert [(a["agent"], a["sessions"], a["within_rule"]) for a in s["agents"]] == [("2002", 2, 0.0), ("2001", 1, 1.0)]
    # the policy's seconds decide: at 10 s both answered sessions are within
    assert chat.summary(chat.sessions(messages), orders, 10)["total"]["within_rule"] == 1.0


@pytest.fixture
def chats(center, make_staff):
    from kefu.scope import scope_of
    from kefu.shop import services as shop
    from kefu.shop.models import ShopOrder

    lead = make_staff("supervisor")
    scope = scope_of(lead)
    store = shop.create_shop(scope, code="s1", name="旗舰店")
    shop.import_chats(scope, shop=store, raw=EXPORT)
    ShopOrder.objects.create(
        center=center,
        shop=store,
        order_no="T1",
        buyer_wangwang="buyer_a",
        placed_at=datetime.fromisoformat("2026-12-07T10:05:00+08:00"),
    )
    return lead


@pytest.mark.django_db
def test_dashboard_shows_chat_beside_calls(chats, client_for):
    html = client_for(chats).get("/kpi/", {"period": "day", "date": "2026-12-07"}).content.decode()
    block = html.split('id="chat-kpi"')[1]
    assert '<td class="num value" id="chat-sessions">3</td>' in block
    assert '<td class="num value" id="chat-first-reply">9.5</td>' in block
    assert '<td class="num value" id="chat-within">50.0%</td>' in block and "9 秒内首次响应占比" in block
    assert '<td class="num value" id="chat-per-agent">1.5</td>' in block
    assert '<td class="num value" id="chat-conversion">33.3%</td>' in block
    assert "buyer_a" not in html  # aggregates only: no buyer on the page


@pytest.mark.django_db
def test_the_policys_seconds_and_another_day(chats, client_for):
    from kefu.org import services as org_services

    org_services.update_policy(chats.center, preset="hotline", overrides={"shop": {"first_reply_seconds": 10}})
    html = client_for(chats).get("/kpi/", {"period": "day", "date": "2026-12-07"}).content.decode()
    assert '<td class="num value" id="chat-within">100.0%</td>' in html and "10 秒内首次响应占比" in html
    other = client_for(chats).get("/kpi/", {"period": "day", "date": "2026-12-08"}).content.decode()
    assert 'id="chat-none"' in other and 'id="chat-sessions"' not in other


@pytest.mark.django_db
def test_no_chat_block_without_chat_data(center, make_staff, client_for):
    html = client_for(make_staff("supervisor")).get("/kpi/", {"period": "day", "date": "2026-12-07"}).content.decode()
    assert "在线聊天" not in html and 'id="chat-none"' not in html


@pytest.mark.django_db
def test_another_centers_chats_are_not_counted(chats, client_for):
    from kefu.kpi.chat_selectors import chat_summary
    from kefu.org import services as org_services

    other = org_services.create_center("other", "另一中心")
    assert chat_summary(other, date(2026, 12, 7), date(2026, 12, 8)) is None
    assert chat_summary(chats.center, date(2026, 12, 7), date(2026, 12, 8))["total"]["sessions"] == 3


@pytest.mark.django_db
def test_chat_block_in_english(chats, client_for):
    import re

    from kefu.web.tests.english import english

    html = english(client_for(chats)).get("/kpi/", {"period": "day", "date": "2026-12-07"}).content.decode()
    block = html.split('<section id="chat-kpi">')[1].split("</section>")[0]
    assert "Online chat" in block and "First replies within 9 s" in block and "Session → order conversion" in block
    assert not re.search(r"[\u4e00-\u9fff]", block), block
