"""The demo shop builds through the real services, twice without duplicating anything; the demo knowledge no
longer tells agents to offer cash for good reviews (001:L312-314 is a practice the catalogue says not to build)."""

from __future__ import annotations

import io
import random

import pytest


@pytest.mark.django_db
def test_demo_shop_is_built_once_through_the_services():
    from kefu.org import demo as org_demo
    from kefu.shop import demo
    from kefu.shop.models import AfterSalesCase, BadReview, ServiceStat, ShopOrder

    center = org_demo.build(None, random.Random(1), io.StringIO())
    demo.build(center, random.Random(2), io.StringIO())
    counts = (ShopOrder.objects.count(), AfterSalesCase.objects.count(), BadReview.objects.count())
    assert counts[0] >= 150 and counts[1] == 14 and counts[2] == 6
    assert ShopOrder.objects.filter(remark_agent="", payment="completed").exists()  # unremarked: no commission
    assert AfterSalesCase.objects.filter(state="closed").exists()
    assert AfterSalesCase.objects.exclude(refusals=[]).exists()
    assert ShopOrder.objects.filter(source="handwritten", remark_flag="yellow").exists()  # 003:L249
    assert ServiceStat.objects.count() > 0
    demo.build(center, random.Random(2), io.StringIO())
    assert (ShopOrder.objects.count(), AfterSalesCase.objects.count(), BadReview.objects.count()) == counts


def test_demo_knowledge_offers_no_cash_for_good_reviews():  # 001:L312-314
    from kefu.knowledge.kb_seed import ARTICLES

    assert not [a[0] for a in ARTICLES if "好评" in a[3] and "返现" in a[3]]
