import io
import random

import pytest

from kefu.knowledge.models import Article, ArticleVersion

pytestmark = pytest.mark.django_db


def test_demo_is_idempotent(center, make_staff):
    from kefu.knowledge import demo, kb_seed, selectors

    make_staff("editor", username="editor1")
    make_staff("team_lead", username="teamlead1")
    make_staff("agent", username="agent1")
    demo.build(center, random.Random(1), io.StringIO())
    counts = (Article.objects.count(), ArticleVersion.objects.count())
    demo.build(center, random.Random(1), io.StringIO())
    assert (Article.objects.count(), ArticleVersion.objects.count()) == counts
    assert Article.objects.filter(status="published").count() == len(kb_seed.ARTICLES)
    assert ArticleVersion.objects.filter(status="submitted").count() == 1
    # The 12345 quiz, asked the way a caller would (004:L55): stray dogs → 公安局.
    assert selectors.search_articles("街上好多野狗咬人谁管", center)[0].article.title == "城市流浪狗的管理部门"
