"""The chat block on the KPI dashboard in Chromium, at desk and phone widths (issue 16 item 5)."""

import pytest

from kefu.kpi.tests.test_chat_block import EXPORT

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_chat_block_beside_calls(center, make_staff, page, login, screenshot):
    from kefu.scope import scope_of
    from kefu.shop import services as shop

    lead = make_staff("supervisor")
    scope = scope_of(lead)
    shop.import_chats(scope, shop=shop.create_shop(scope, code="s1", name="旗舰店"), raw=EXPORT)
    login(lead)
    page.goto(page.base_url + "/kpi/?period=day&date=2026-12-07")
    block = page.locator("#chat-kpi")
    assert block.locator("#chat-sessions").inner_text() == "3"
    assert block.locator("#chat-within").inner_text() == "50.0%"
    for width in (1440, 390):
        page.set_viewport_size({"width": width, "height": 900})
        block.scroll_into_view_if_needed()
        screenshot(f"kpi-chat-block-{width}")
