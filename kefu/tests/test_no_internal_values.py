"""Staff never see internal values (issue 13 item 1, issue 17 item 4).

The demo center is built once for this module; then, logged in as one person of every role, every page of the
URLconf is fetched in Chinese and in English: every route without arguments, and the routes with arguments for
objects of every kind the demo holds (one per state where the kind has states, every KPI). Routes that only accept
POST answer a GET with 405 and need no object; a new route that answers GET needs an entry in _objects(), or this
test fails naming it. Of the admin site only the policy pages are read (the list and the center's policy).

What a person reads is the page's text plus the title, placeholder and alt attributes (scripts, styles and the
other attributes are taken out). It must not show: references to lines of the source documents ("004:L1531",
"（…L951）"), solver statuses, ISO or UTC timestamps, preset keys, message codes, raw Asterisk call ids, Python
values ("None", "<Order: 1>", "object at 0x…", "{'a': 1}").
"""

from __future__ import annotations

import functools
import html
import io
import logging
import re
from collections import defaultdict
from collections.abc import Callable

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

LANGUAGES = ("zh-hans", "en")
DEMO_DAYS = 4  # days of simulated calls: every kind of call, evaluation and KPI appears; 30 would only be slower

# --- what a person reads ---------------------------------------------------------------------------------------

_DROPPED = re.compile(r"<(script|style)\b.*?</\1\s*>|<!--.*?-->", re.S | re.I)
_TAG = re.compile(r"<[A-Za-z][^<>]*>|</[A-Za-z][^<>]*>")
_READ_ATTRIBUTES = re.compile(r"""\b(?:title|placeholder|alt)\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.I)


def readable_text(page: str) -> str:
    """The text of a page as people read it: element text and the title, placeholder and alt attributes."""
    page = _DROPPED.sub(" ", page)

    def tag(m: re.Match) -> str:
        said = [a or b for a, b in _READ_ATTRIBUTES.findall(m.group(0))]
        return " " + " ".join(said) + " "

    return html.unescape(_TAG.sub(tag, page))


@functools.cache  # the apps' message modules do not change within a run; it was called for every page read
def _message_prefixes() -> list[str]:
    from kefu.registry import app_modules

    return sorted({"common", "scope", "workflow", *(label for label, _m in app_modules("messages"))})


def internal_values(text: str, language: str, data: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """(what, excerpt) of every internal value in `text`. `data` are names that came from outside and are shown as
    they came (the phone system's queue names): they are not checked."""
    for value in sorted(data, key=len, reverse=True):
        text = re.sub(rf"(?<![\w.]){re.escape(value)}(?![\w.])", " ", text)
    checks: list[tuple[str, str]] = [
        ("seed reference", r"(?<!\d)\d{3}:L\d+"),
        ("seed line in parentheses", r"[（(][^（）()]*(?<![A-Za-z])L\d{2,4}(?!\d)[^（）()]*[）)]"),
        ("solver status", r"\b(?:FEASIBLE|OPTIMAL|INFEASIBLE|MODEL_INVALID)\b"),
        ("ISO timestamp", r"\d{4}-\d\d-\d\dT\d\d:"),
        ("UTC offset", r"[+-]00:00\b"),
        ("UTC", r"\bUTC\b"),
        ("preset key", r"\b(?:gov12345|ecommerce)\b"),
        ("message code", r"\b(?:%s)\.[a-z_]+(?:\.[a-z_0-9]+)*\b" % "|".join(map(re.escape, _message_prefixes()))),
        ("Asterisk call id", r"(?<![\d.])1[5-9]\d{8}\.\d+(?![\d.])"),
        (
            "Python repr",
            r"<[A-Z]\w*(?::| object\b)|\bobject at 0x|\bQuerySet\b|\bMsg\(|\bDecimal\(|"
            r"\{'\w+': |\bdatetime\.(?:date|datetime)\(",
        ),
    ]
    if language == "zh-hans":
        # Chinese pages have no English prose: these words there are values printed as they are stored.
        checks += [("Python value", r"\b(?:None|True|False)\b"), ("preset key", r"\bhotline\b")]
    # (In English "None" is also the word for 无: a Python None shows on the Chinese page as well.)
    found = []
    for what, pattern in checks:
        for m in re.finditer(pattern, text, re.M):
            start, end = max(0, m.start() - 30), min(len(text), m.end() + 30)
            found.append((what, " ".join(text[start:end].split())))
    return found


def test_the_check_sees_what_people_read():
    page = (
        '<h1 title="依据（004:L1331）">质检</h1><script>var t="2026-12-07T08:00:00+00:00";</script>'
        '<style>.x{}</style><a href="/x?at=2026-12-07T08:00">x</a><input placeholder="（002:L67）">'
        "<p>质检员每班后交给班长（004:L943、L951）。状态 FEASIBLE，<span>None</span> &lt;Order: 12&gt; "
        "tickets.dispatch.opinion_required 呼叫 1794157827.0 于 2026-12-07 08:00 UTC</p><p>1 人 &lt; 2 人</p>"
    )
    text = readable_text(page)
    assert "var t" not in text and "href" not in text and "依据（004:L1331）" in text
    kinds = [what for what, _excerpt in internal_values(text, "zh-hans")]
    assert kinds.count("seed reference") == 3
    for kind in (
        "seed line in parentheses",
        "solver status",
        "Python value",
        "Python repr",
        "message code",
        "Asterisk call id",
        "UTC",
    ):
        assert kind in kinds, kind
    assert "ISO timestamp" not in kinds  # only in the script and the link, which nobody reads
    assert internal_values(readable_text("<p>1 人 &lt; 2 人，2026-12-07 08:00</p>"), "zh-hans") == []
    assert internal_values("Alerts None", "en") == []
    assert internal_values("队列 hotline", "zh-hans", data=("hotline",)) == []  # the phone system's queue name
    assert internal_values("预设 hotline", "zh-hans") != []


def test_no_message_cites_a_seed_line():
    """Every text kefu can show (each catalogue's msgids and their English, each app's message codes) reads without
    a reference to a line of the source documents: those stay in code comments, tests and docs. Errors after a POST
    are not on the pages the crawl below reads, so they are checked here."""
    from pathlib import Path

    from kefu.messages import catalogue
    from kefu.web.tests.test_i18n import parse_po

    found = []
    for po in sorted(Path(__file__).resolve().parents[1].rglob("locale/*/LC_MESSAGES/*.po")):
        for entry in parse_po(po.read_text(encoding="utf-8")):
            for text in (entry["id"], *entry["strs"].values()):
                found += [
                    f"{po.parts[-5]}: {excerpt}"
                    for what, excerpt in internal_values(text, "en")
                    if what.startswith("seed")
                ]
    for code, text in catalogue().items():
        found += [f"{code}: {excerpt}" for what, excerpt in internal_values(str(text), "en") if what.startswith("seed")]
    assert not found, "\n".join(found)


# --- the demo center, once for the module ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo center (every app's demo), built once and rolled back after the module's tests."""
    from kefu.followup import surveys
    from kefu.org.models import Center
    from kefu.telephony import demo as telephony_demo

    days = telephony_demo.DAYS
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            telephony_demo.DAYS = DEMO_DAYS
            call_command("seed_demo", stdout=io.StringIO())
            surveys.send_surveys()  # the timer's satisfaction surveys, so that the customer's page is read too
            yield Center.objects.get(code="demo")
        finally:
            telephony_demo.DAYS = days
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def one_per(queryset, field: str | None = None) -> list:
    """The id of one row for each value of `field` (or of the first row)."""
    if field is None:
        first = queryset.order_by("pk").values_list("pk", flat=True).first()
        return [] if first is None else [first]
    seen: dict = {}
    for pk, value in queryset.order_by("pk").values_list("pk", field):
        seen.setdefault(value, pk)
    return list(seen.values())


def _objects() -> dict[tuple[str, str], Callable]:
    """(route name, argument) -> function(center) giving the values to show for routes that answer GET."""
    from kefu.customers.models import Customer
    from kefu.followup import surveys
    from kefu.followup.models import Campaign, CampaignTarget, Survey, Task
    from kefu.knowledge.models import Article
    from kefu.kpi.definitions import METRICS
    from kefu.quality.models import Calibration, Evaluation, ShiftReport
    from kefu.roster.models import Roster
    from kefu.shiftlog.models import Handover
    from kefu.shop.models import AfterSalesCase, ShopOrder
    from kefu.tickets.models import Order
    from kefu.training.models import Attempt, Quiz
    from kefu.workbench.models import Attachment

    orders = lambda c: one_per(Order.objects.filter(center=c), "state")  # noqa: E731
    return {
        ("tickets:detail", "order_id"): orders,
        ("workbench:together", "order_id"): lambda c: one_per(Order.objects.filter(center=c)),
        ("followup:chase", "order_id"): lambda c: one_per(Order.objects.filter(center=c, state="processing")),
        ("shiftlog:detail", "pk"): lambda c: one_per(Handover.objects.filter(center=c), "state"),
        ("kpi:metric", "code"): lambda c: [m.code for m in METRICS],
        ("roster:detail", "roster_id"): lambda c: one_per(Roster.objects.filter(center=c), "status"),
        ("quality:evaluation", "pk"): lambda c: one_per(Evaluation.objects.filter(center=c), "state"),
        ("quality:calibration", "pk"): lambda c: one_per(Calibration.objects.filter(center=c)),
        ("quality:read_report", "pk"): lambda c: one_per(ShiftReport.objects.filter(center=c)),
        ("knowledge:article", "article_id"): lambda c: one_per(Article.objects.filter(center=c)),
        ("knowledge:editor_edit", "article_id"): lambda c: one_per(Article.objects.filter(center=c)),
        ("training:take", "pk"): lambda c: one_per(Quiz.objects.filter(center=c)),
        ("training:results", "pk"): lambda c: one_per(Quiz.objects.filter(center=c)),
        ("training:attempt", "pk"): lambda c: one_per(Attempt.objects.filter(quiz__center=c)),
        ("followup:detail", "pk"): lambda c: one_per(Task.objects.filter(center=c), "state"),
        ("followup:survey", "token"): lambda c: [
            surveys.token_for(s)
            for s in Survey.objects.filter(pk__in=one_per(Survey.objects.filter(center=c), "state"))
        ],
        ("followup:campaign", "pk"): lambda c: one_per(Campaign.objects.filter(center=c), "state"),
        ("followup:campaign_report", "pk"): lambda c: one_per(Campaign.objects.filter(center=c)),
        ("followup:call", "pk"): lambda c: one_per(CampaignTarget.objects.filter(campaign__center=c), "state"),
        ("shop:order", "pk"): lambda c: one_per(ShopOrder.objects.filter(center=c), "remark_flag"),
        ("shop:case", "pk"): lambda c: one_per(AfterSalesCase.objects.filter(center=c), "state"),
        ("workbench:customer", "customer_id"): lambda c: one_per(Customer.objects.filter(center=c)),
        ("workbench:attachment", "attachment_id"): lambda c: one_per(Attachment.objects.filter(center=c)),
    }


def routes() -> list[tuple[str, list[str]]]:
    """(namespaced route name, argument names) of every page route (not the admin site, the API or i18n)."""
    found = []

    def walk(patterns, namespace):
        for p in patterns:
            if isinstance(p, URLResolver):
                if p.namespace in ("admin",) or str(p.pattern).startswith(("api/", "i18n/", "admin/")):
                    continue
                walk(p.url_patterns, p.namespace or namespace)
            elif isinstance(p, URLPattern) and p.name:
                found.append((f"{namespace}:{p.name}" if namespace else p.name, list(p.pattern.converters)))

    walk(get_resolver().url_patterns, None)
    return found


def _visitors(center) -> list:
    """One person of every role of the demo center (the first by staff number), and the shop's after-sales account."""
    from kefu.org.models import Staff
    from kefu.org.roles import Role

    people = []
    for role in Role:
        staff = Staff.objects.filter(center=center, user__groups__name=role.value).order_by("staff_no").first()
        if staff is not None and staff not in people:
            people.append(staff)
    return people


def _client(staff, language: str) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(staff.user)
    client.cookies["django_language"] = language
    return client


# --- the crawl ---------------------------------------------------------------------------------------------------


def crawl(center, language: str) -> tuple[list[str], dict[str, int]]:
    """Every page in `language` as every role: (problems, pages read with 200 per route)."""
    from kefu.telephony.models import Call

    objects = _objects()
    problems: list[str] = []
    read: dict[str, int] = defaultdict(int)
    visitors = _visitors(center)
    assert len(visitors) >= 10, [s.staff_no for s in visitors]
    clients = {s.pk: _client(s, language) for s in visitors}
    queues = tuple(q for q in Call.objects.filter(center=center).values_list("queue", flat=True).distinct() if q)

    def fetch(staff, name: str, url: str) -> bool:
        res = clients[staff.pk].get(url, follow=True)  # a page that answers with a redirect is read where it leads
        if res.status_code >= 500:
            problems.append(f"[{language}] {staff.user.username} {url}: HTTP {res.status_code}")
            return False
        if "text/html" not in res.get("Content-Type", ""):
            return res.status_code == 200
        for what, excerpt in internal_values(readable_text(res.content.decode()), language, queues):
            problems.append(f"[{language}] {staff.user.username} {url}: {what}: {excerpt}")
        if res.status_code == 200:
            read[name] += 1
            return True
        return False

    from kefu.org.models import Policy

    admins = [s for s in visitors if s.user.is_superuser][:1]
    for policy in Policy.objects.filter(center=center).order_by("pk")[:1]:
        for staff in admins:
            fetch(staff, "admin:org_policy_changelist", reverse("admin:org_policy_changelist"))
            fetch(staff, "admin:org_policy_change", reverse("admin:org_policy_change", args=[policy.pk]))
    for name, args in routes():
        if name in SKIPPED:
            continue
        if not args:
            urls = [reverse(name)]
        elif len(args) == 1 and (name, args[0]) in objects:
            urls = [reverse(name, args=[v]) for v in objects[(name, args[0])](center)]
            if not urls:
                if name not in OPTIONAL:
                    problems.append(f"{name}: the demo center has no object to show")
                continue
        else:
            _post_only([clients[s.pk] for s in visitors], name, problems)
            continue
        seen_by = [staff for staff in visitors if fetch(staff, name, urls[0])]
        for url in urls[1:]:  # the other objects of the kind, as the first person who could read the first one
            fetch((seen_by or visitors)[0], name, url)
    return problems, dict(read)


# Routes not fetched: logging out ends the session the crawl uses.
SKIPPED = {"web:logout"}
# Kinds the demo may hold none of: an attachment is a file, not a page.
OPTIONAL = {"workbench:attachment"}


def _post_only(clients: list[Client], name: str, problems: list[str]) -> None:
    """A route with arguments this test has no object for must show nobody a page: it only accepts POST (405),
    or refuses everyone (403)."""
    from django.urls import NoReverseMatch

    for guess in ([1], ["x"], [1, 1], [1, "x"], ["x", 1], [1, "x", 1]):
        try:
            url = reverse(name, args=guess)
        except NoReverseMatch:
            continue
        for client in clients:
            status = client.get(url).status_code
            if status == 405:
                return
            if status != 403:
                problems.append(f"{name}: answers GET ({status}) but has no objects: add them to _objects()")
                return
        return
    problems.append(f"{name}: cannot build a URL for it: add its objects to _objects()")


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_page_shows_internal_values(demo, language):
    quiet = logging.getLogger("django.request")
    level = quiet.level
    quiet.setLevel(logging.CRITICAL)  # the refusals (403, 404) of roles that may not see a page are expected here
    try:
        problems, read = crawl(demo, language)
    finally:
        quiet.setLevel(level)
    assert not problems, f"{len(problems)} internal values shown:\n" + "\n".join(sorted(set(problems))[:300])
    assert len(read) >= 80, sorted(read)  # the pages were really read, not refused
    unread = ({name for (name, _arg) in _objects()} | {"admin:org_policy_change"}) - set(read) - OPTIONAL
    assert not unread, f"no page of {sorted(unread)} was read by any role"
