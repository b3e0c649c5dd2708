"""The knowledge pages in English (issue #2): the interface reads in English; articles, phrases and the
Chinese wording agents say to callers stay as entered."""

import pytest
from django.utils import timezone

from kefu.knowledge import services
from kefu.knowledge.models import StandardPhrase
from kefu.knowledge.phrases import highlight
from kefu.knowledge.standard_phrases import farewell, greeting
from kefu.wfm.tests.english import assert_english, english_client, menu_labels

pytestmark = pytest.mark.django_db

ARTICLE = (
    "路灯不亮的交办",
    "滨江路等城市道路路灯不亮、影响市民出行的来电，交办市住建局。",
    "路灯",
    "市住建局 张科长",
    "住建发〔2026〕12号",
)


@pytest.fixture
def people(make_staff):
    return {
        "editor": make_staff("editor", staff_no="3001"),
        "lead": make_staff("team_lead", staff_no="3002"),
        "agent": make_staff("agent", staff_no="3003"),
    }


def _draft(editor):
    title, body, tag, confirmed_by, source_doc = ARTICLE
    return services.create_article(
        editor, title=title, body=body, tags=[tag], confirmed_by=confirmed_by, source_doc=source_doc
    )


def test_editor_review_and_agent_pages_in_english(people, client_for):
    editor = english_client(client_for(people["editor"]))
    html = assert_english(editor.get("/knowledge/editor/"), "Knowledge authoring", "New article", "No articles yet.")
    assert "Knowledge search" in menu_labels(html, "knowledge")
    assert_english(
        editor.get("/knowledge/editor/new"),
        "New article",
        "Tags (comma-separated)",
        "Save and submit for team lead review",
    )
    v = _draft(people["editor"])
    r = editor.post(f"/knowledge/editor/versions/{v.pk}/submit", follow=True)
    assert_english(
        r, "Version 1 submitted for team lead review", "Version 1 is under review", "Awaiting review", user_data=ARTICLE
    )
    lead = english_client(client_for(people["lead"]))
    assert_english(
        lead.get("/knowledge/review/"),
        "Knowledge review",
        "Version 1 · awaiting review",
        "Approve and publish",
        "(new article)",
        user_data=ARTICLE,
    )
    r = lead.post(f"/knowledge/review/{v.pk}/", {"decision": "reject", "note": ""}, follow=True)
    assert_english(r, "Returning a version needs a review note", user_data=ARTICLE)  # a service's rule, in English
    r = lead.post(f"/knowledge/review/{v.pk}/", {"decision": "approve"}, follow=True)
    assert_english(r, "approved and published; agents have been notified", user_data=ARTICLE)
    agent = english_client(client_for(people["agent"]))
    assert_english(
        agent.get("/knowledge/search/"),
        "Unread knowledge updates",
        "New in the knowledge base: &quot;路灯不亮的交办&quot;, version 1",
        "Mark as read",
        user_data=ARTICLE,
    )
    assert_english(agent.get("/knowledge/search/?q=路灯"), "Knowledge base", "Case library", user_data=ARTICLE)
    assert_english(
        agent.get(f"/knowledge/articles/{v.article_id}/"), "Effective from", "No expiry", "Published", user_data=ARTICLE
    )


def test_phrases_and_checker_in_english(people, client_for):
    agent = english_client(client_for(people["agent"]))
    now = timezone.localtime()
    page = agent.get("/knowledge/phrases/")
    # The phrases and the greetings are what agents say to Chinese-speaking callers: content, kept as entered.
    said = tuple(t for p in StandardPhrase.objects.all() for t in (p.title, p.text))
    said += (
        greeting(now),
        greeting(now, vip=True),
        farewell(weekend=True),
        farewell(weekend=False),
        "先生",
        "小姐",
        "女士",
    )
    assert_english(
        page,
        "Standard phrases",
        "Greeting / welcome",
        "Complaint handling",
        "Insert into reply",
        "Fill in",
        "Customer&#x27;s surname",
        ">Ms</option>",
        user_data=said,
    )
    assert_english(
        agent.get("/knowledge/checker/"), "Phrase check", 'the "five don\'ts"', "Type or paste the text to check"
    )
    text = "这个不归我们管，你自己去问吧"
    r = agent.get("/knowledge/check", {"text": text})
    hits = services.check_text(text, people["agent"].center)
    assert hits
    pieces = tuple(piece for piece, _ in highlight(text, hits))  # the checked text, as typed
    assert_english(r, "Discouraged phrase", "suggested:", user_data=pieces + tuple(h.suggestion for h in hits))


def test_chinese_stays_the_default(people, client_for):
    html = client_for(people["editor"]).get("/knowledge/editor/").content.decode()
    assert "知识采编" in html and "新建知识" in html and "New article" not in html
