"""A dispatcher merges a duplicate and splits an order from the order page, in Chromium at 1440 and 390 px (issue 17,
item 2); the dispatch queue then shows who holds each order (当前处理人)."""

import pytest

from kefu.tickets.models import Order

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1440, 390])
def test_dispatcher_merges_a_duplicate_and_splits_an_order(org, new_order, page, login, screenshot, width):
    page.set_viewport_size({"width": width, "height": 900})
    survivor = new_order(subject="宽带断网", description="家里宽带断网三天")
    dup = new_order(subject="宽带还是断网", description="再次来电：宽带仍然断网，要求上门")
    two = new_order(subject="话费多扣", description="话费多扣50元；另外想问宽带报装进度", phone="13900001111")
    page.goto(page.base_url + "/login/", timeout=60000)  # the live server's first page may be slow on a busy machine
    login(org.dispatcher)

    page.goto(f"{page.base_url}/tickets/orders/{dup.pk}/")
    merge = page.locator("details[data-transition=merge]")
    merge.locator("summary").click()
    merge.locator(f"button[data-value='{survivor.number}']").click()  # the same customer's open order, suggested
    assert merge.locator("input[name=into]").input_value() == survivor.number
    merge.locator("input[name=note]").fill("同一客户同一问题，再次来电")
    screenshot(f"tickets-merge-form-{width}")
    with page.expect_navigation():
        merge.locator("button[type=submit]").click()
    page.locator("#merged-in").wait_for()
    assert page.url.endswith(f"/tickets/orders/{survivor.pk}/")
    assert f"工单 {dup.number} 已合并到 {survivor.number}" in page.inner_text(".messages")
    assert dup.number in page.inner_text("#merged-in")
    assert f"并入重复工单 {dup.number}" in page.inner_text("#timeline")
    screenshot(f"tickets-merge-survivor-{width}")
    page.locator(f"#merged-in a[href='/tickets/orders/{dup.pk}/']").click()
    page.locator("#merged-into").wait_for()
    assert "已合并" in page.inner_text("#state")
    screenshot(f"tickets-merge-duplicate-{width}")

    page.goto(f"{page.base_url}/tickets/orders/{two.pk}/")
    split = page.locator("details[data-transition=split]")
    split.locator("summary").click()
    split.locator("input[name=subject]").fill("宽带报装进度")
    split.locator("textarea[name=description]").fill("客户想知道宽带报装进度")
    split.locator("select[name=category]").select_option("network")
    split.locator("select[name=department]").select_option("network")
    screenshot(f"tickets-split-form-{width}")
    with page.expect_navigation():
        split.locator("button[type=submit]").click()
    page.locator("#split-off").wait_for()
    new = Order.objects.get(split_from=two)
    assert f"已从工单 {two.number} 拆分出新工单 {new.number}" in page.inner_text(".messages")
    assert f"拆分出新工单 {new.number}" in page.inner_text("#timeline")
    screenshot(f"tickets-split-original-{width}")
    page.locator(f"#split-off a[href='/tickets/orders/{new.pk}/']").click()
    page.locator("#split-from").wait_for()
    assert f"由工单 {two.number} 拆分而来" in page.inner_text("#timeline")
    assert (new.subject, new.category, new.route_department.code) == ("宽带报装进度", "network", "network")

    # "我来处理" at the desk, then the queue names who holds it
    take = page.locator("details[data-transition=take]")
    take.locator("summary").click()
    with page.expect_navigation():
        take.locator("button[type=submit]").click()
    page.locator("#holder").wait_for()
    assert "(4001)" in page.inner_text("#holder")
    page.goto(f"{page.base_url}/tickets/dispatch/")
    row = page.locator("tr", has_text=new.number)
    row.wait_for()
    assert "(4001)" in row.locator(".tk-holder").inner_text()
    screenshot(f"tickets-queue-holder-{width}")
    assert Order.objects.get(pk=dup.pk).merged_into_id == survivor.pk
