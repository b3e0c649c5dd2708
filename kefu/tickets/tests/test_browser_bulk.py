"""Bulk dispatch and "我来处理" on the queues, in Chromium at 1440 and 390 px (issue 17, item 2)."""

import pytest

from kefu.tickets.models import Order

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1440, 390])
def test_bulk_dispatch_then_take_them(org, new_order, fire, page, login, screenshot, width):
    page.set_viewport_size({"width": width, "height": 900})
    first, second = (
        fire(new_order(subject=s), "review", org.dispatcher, review_opinion="有效投诉")
        for s in ("话费多扣50元", "套餐被改")
    )
    fresh = new_order(subject="尚未复核")  # dispatch is refused: not reviewed (004:L2055)
    login(org.dispatcher)
    page.goto(page.base_url + "/tickets/dispatch/")
    for o in (first, second, fresh):
        page.check(f"input[name=ids][value^='{o.pk}:']")
    page.select_option("#tk-bulk select[name=department]", "billing")
    page.fill("#tk-bulk input[name=dispatch_opinion]", "请核查计费")
    screenshot(f"tickets-bulk-dispatch-{width}")
    page.click("#tk-bulk button[type=submit]")
    page.wait_for_selector(".messages")
    toast = page.inner_text(".messages")
    assert "派单：办理 2 张，1 张未办理" in toast and fresh.number in toast
    screenshot(f"tickets-bulk-dispatch-result-{width}")
    assert {o.state for o in Order.objects.filter(pk__in=[first.pk, second.pk])} == {"processing"}
    assert Order.objects.get(pk=fresh.pk).state == "accepted"
    page.context.clear_cookies()  # sign out (the header menu folds away at 390 px)
    login(org.handler)
    page.goto(page.base_url + "/tickets/department/")
    page.check("thead input[data-check-all]")
    page.click("#tk-bulk button[type=submit]")
    page.wait_for_selector(".messages")
    assert "我来处理：办理 2 张，0 张未办理" in page.inner_text(".messages")
    screenshot(f"tickets-bulk-claim-{width}")
    assert {o.handler_id for o in Order.objects.filter(pk__in=[first.pk, second.pk])} == {org.handler.pk}
