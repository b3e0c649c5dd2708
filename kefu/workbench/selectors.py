"""Reads of the workbench: the screen pop, the standard phrases filled for this call, the knowledge panel, and the
order search (number, phone through the keyed digest, words through the index) with filters and pages."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.db import connection
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.utils import timezone

from kefu.audit.crypto import digest
from kefu.customers.models import Customer
from kefu.customers.phones import normalize_phone
from kefu.errors import Problem, RuleViolation
from kefu.messages import Msg
from kefu.workbench import words

RECENT_ORDERS = 5
PAGE_SIZE = 20
_NUMBER = re.compile(r"^GD\d{8,12}$", re.IGNORECASE)


# ---------------------------------------------------------------- the call

@dataclass
class Pop:
    customer: Customer | None
    recent: list = field(default_factory=list)
    callbacks: list = field(default_factory=list)


def screen_pop(scope, phone: str) -> Pop:
    """The caller's profile, latest orders and open callbacks/return visits (004:L2017); None customer when new."""
    from kefu.followup.models import Task
    from kefu.tickets.models import Order

    normalized = normalize_phone(phone)
    if normalized is None:
        return Pop(None)
    customer = scope.filter(Customer.objects.filter(phone_digest=digest(normalized))).first()
    if customer is None:
        return Pop(None)
    recent = list(scope.filter(Order.objects.filter(customer=customer), department="department")
                  .select_related("department").order_by("-accepted_at", "-id")[:RECENT_ORDERS])
    callbacks = list(scope.filter(Task.objects.filter(customer=customer, state="open"))
                     .select_related("owner", "order").order_by("due_at", "id")[:RECENT_ORDERS])
    return Pop(customer, recent, callbacks)


def phrase_values(scope, customer_name: str = "", customer: Customer | None = None) -> dict[str, str]:
    """What the standard phrases' placeholders are filled with on this call."""
    name = (customer_name or "").strip() or (customer.name if customer is not None else "")
    return {"surname": name[:1], "staff_no": scope.staff.staff_no, "center": scope.center.name}


def standard_phrases(values: dict[str, str]) -> list[dict]:
    """Enabled standard phrases with the placeholders this call knows filled in; the others left as 【label】 for
    the agent to complete (a reason, an amount)."""
    from kefu.knowledge import services as knowledge
    from kefu.knowledge.models import StandardPhrase
    from kefu.knowledge.standard_phrases import LABELS, SITUATIONS, placeholders, render

    if not StandardPhrase.objects.exists():
        knowledge.load_default_phrases()
    out = []
    for p in StandardPhrase.objects.filter(enabled=True).order_by("sort", "id"):
        filled = dict(values)
        for name in placeholders(p.text):
            # 称谓 and the "{surname}先生/小姐" slots are rendered politely without a name (004:L1227)
            if name not in ("title", "surname", "supervisor") and not filled.get(name):
                filled[name] = f"【{LABELS.get(name, name)}】"
        out.append({"code": p.code, "situation": p.situation, "situation_label": SITUATIONS.get(p.situation, p.situation),
                    "title": p.title, "text": render(p.text, filled)})
    return out


def knowledge_answers(scope, subject: str, description: str, query: str = "", limit: int = 5) -> tuple[str, list]:
    """Knowledge articles for what the caller says: the agent's own query, else the subject and the start of the
    description (the knowledge base's BM25 search, published and valid entries of the center)."""
    from kefu.knowledge.selectors import search_articles

    asked = (query or "").strip() or f"{(subject or '').strip()} {(description or '').strip()[:60]}".strip()
    if not asked:
        return "", []
    return asked, search_articles(asked[:100], center=scope.center, limit=limit)


# ---------------------------------------------------------------- finding orders

@dataclass(frozen=True)
class Filters:
    q: str = ""
    kind: str = ""
    state: str = ""
    level: int | None = None
    department: int | None = None
    overdue: bool | None = None
    date_from: object = None  # date
    date_to: object = None  # date, inclusive
    owner: str = ""  # staff number: acceptor, assignee or handler
    page: int = 1


def _positive(raw, name: str, label: Msg) -> int | None:
    raw = (raw or "").strip() if isinstance(raw, str) else raw
    if raw in (None, ""):
        return None
    if isinstance(raw, int) or (isinstance(raw, str) and raw.isdigit() and len(raw) < 10):
        value = int(raw)
        if value > 0:
            return value
    raise RuleViolation.of("workbench.search.bad_number", field=name, field_label=label, value=str(raw)[:20])


def parse_filters(data) -> Filters:
    """Filters from a query string or API parameters; a bad value is refused naming its field (never ignored)."""
    from kefu.tickets import machine
    from kefu.web.inputs import parse_day

    problems = []

    def text(name, max_length=100):
        value = data.get(name) or ""
        return value.strip()[:max_length] if isinstance(value, str) else ""

    q = text("q", 200)
    if len(q) > 100:
        problems.append(Problem.of("workbench.search.query_too_long", field="q", max=100))
    kind, state = text("kind"), text("state")
    if kind and kind not in machine.KINDS:
        problems.append(Problem.of("workbench.search.bad_choice", field="kind", field_label=Msg("workbench.label.kind"), value=kind[:20]))
    if state and state not in machine.STATES:
        problems.append(Problem.of("workbench.search.bad_choice", field="state", field_label=Msg("workbench.label.state"), value=state[:20]))
    overdue_raw = text("overdue")
    overdue = {"": None, "yes": True, "no": False}.get(overdue_raw, "bad")
    if overdue == "bad":
        problems.append(Problem.of("workbench.search.bad_choice", field="overdue", field_label=Msg("workbench.label.overdue"), value=overdue_raw[:20]))
        overdue = None
    try:
        level = _positive(data.get("level"), "level", Msg("workbench.label.level"))
        if level is not None and level > 4:
            raise RuleViolation.of("workbench.search.bad_choice", field="level", field_label=Msg("workbench.label.level"), value=level)
    except RuleViolation as exc:
        problems += exc.problems
        level = None
    department = page = None
    for name, label in (("department", "workbench.label.department"), ("page", "workbench.label.page")):
        try:
            value = _positive(data.get(name), name, Msg(label))
        except RuleViolation as exc:
            problems += exc.problems
            value = None
        if name == "department":
            department = value
        else:
            page = value
    date_from = date_to = None
    try:
        date_from = parse_day(data.get("date_from") or "", str(Msg("workbench.label.date_from")), field="date_from")
        date_to = parse_day(data.get("date_to") or "", str(Msg("workbench.label.date_to")), field="date_to")
    except RuleViolation as exc:
        problems += exc.problems
    if date_from and date_to and date_to < date_from:
        problems.append(Problem.of("workbench.search.dates_reversed", field="date_to"))
    if problems:
        raise RuleViolation.many(problems)
    return Filters(q=q, kind=kind, state=state, level=level, department=department, overdue=overdue,
                   date_from=date_from, date_to=date_to, owner=text("owner", 20), page=page or 1)


def _local_start(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _word_ids(terms: tuple[str, ...]) -> RawSQL:
    """Ids of the orders whose index holds every term: FTS5 on SQLite, the GIN array index on PostgreSQL."""
    if connection.vendor == "postgresql":
        return RawSQL("SELECT order_id FROM workbench_orderwords WHERE string_to_array(words, ' ') @> %s::text[]",
                      [list(terms)])
    return RawSQL("SELECT rowid FROM workbench_orderwords_fts WHERE workbench_orderwords_fts MATCH %s",
                  [words.fts5_match(terms)])


def _only_words(scope, f: Filters) -> bool:
    """A words search with no other filter, by a caller who sees the whole center: answered from the index alone."""
    return not (f.kind or f.state or f.level or f.department or f.overdue is not None or f.date_from or f.date_to
                or f.owner or scope.department_limited)


def _word_matches(scope, parsed: words.Query):
    """The index rows of the caller's center holding every query term and, where the terms alone are not exact,
    every whole word in the folded subject or description: the narrow table only, no order read."""
    from kefu.workbench.models import OrderWords

    qs = OrderWords.objects.filter(center=scope.center)
    if connection.vendor == "postgresql":  # the GIN index asked of this table's rows directly, not through a self-join
        from django.contrib.postgres.fields import ArrayField
        from django.db.models import F, Func, TextField, Value

        qs = (qs.alias(terms=Func(F("words"), Value(" "), function="string_to_array", output_field=ArrayField(TextField())))
              .filter(terms__contains=list(parsed.terms)))
    else:
        qs = qs.filter(order_id__in=_word_ids(parsed.terms))
    for word in parsed.words:
        if words.needs_check(word):
            qs = qs.filter(text__contains=word)
    return qs


def _parsed_words(q: str) -> words.Query:
    parsed = words.parse(q)
    if not parsed.terms:
        word = parsed.too_short[0] if parsed.too_short else q[:20]
        raise RuleViolation.of("workbench.search.word_too_short", field="q", word=word)
    return parsed


def search_queryset(scope, f: Filters):
    """The caller's orders (center; department for department handlers) matching the filters, newest first."""
    from kefu.tickets.models import Order

    qs = scope.filter(Order.objects.all(), department="department")
    q = f.q.strip()
    if q:
        phone = normalize_phone(q)
        if _NUMBER.match(q):
            qs = qs.filter(number=q.upper())
        elif phone is not None:
            # Through the keyed digest of the caller's phone or service number: never a scan of phone text.
            key = digest(phone)
            customers = scope.filter(Customer.objects.filter(Q(phone_digest=key) | Q(service_number_digest=key)))
            qs = qs.filter(customer__in=list(customers.values_list("pk", flat=True)))
        else:  # the index narrows and checks whole words; the filters below are asked of those orders only
            qs = qs.filter(pk__in=_word_matches(scope, _parsed_words(q)).values("order_id"))
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.state:
        qs = qs.filter(state=f.state)
    if f.level:
        qs = qs.filter(level=f.level)
    if f.department:
        qs = qs.filter(department_id=f.department)
    if f.overdue is not None:
        qs = qs.filter(is_overdue=f.overdue)
    if f.date_from:
        qs = qs.filter(accepted_at__gte=_local_start(f.date_from))
    if f.date_to:
        qs = qs.filter(accepted_at__lt=_local_start(f.date_to + timedelta(days=1)))
    if f.owner:
        from kefu.org.models import Staff

        owner = scope.filter(Staff.objects.filter(staff_no=f.owner)).first()
        if owner is None:
            raise RuleViolation.of("workbench.search.owner_unknown", field="owner", value=f.owner)
        qs = qs.filter(Q(acceptor=owner) | Q(assigned_to=owner) | Q(handler=owner))
    return qs.order_by("-accepted_at", "-id")


@dataclass
class Results:
    rows: list
    page: int
    pages: int
    total: int
    has_next: bool
    has_previous: bool


SCAN_FROM = 1000  # words found in at least this many orders: the page is read along the index of acceptance times
SCAN_SKIP = 200  # ... when the page starts at most this many rows from the newest or the oldest end


def _walk_newest(scope, parsed: words.Query, total: int, start: int, size: int):
    """For a common word on SQLite: its matches (an FTS5 lookup, kept as a set) read along the center's index of
    acceptance times from the nearer end, so a first or last page stops after a few hundred index entries instead of
    sorting every match (the set is tested with +order_id, so SQLite does not look the matches up one by one)."""
    if connection.vendor != "sqlite" or min(start, max(0, total - start - size)) > SCAN_SKIP:
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM workbench_orderwords_fts WHERE workbench_orderwords_fts MATCH %s",
                       [words.fts5_match(parsed.terms)])
        if cursor.fetchone()[0] < SCAN_FROM:
            return None
    from kefu.workbench.models import OrderWords

    qs = (OrderWords.objects.filter(center=scope.center).alias(walked=RawSQL("+workbench_orderwords.order_id", []))
          .filter(walked__in=_word_ids(parsed.terms)))
    for word in parsed.words:
        if words.needs_check(word):
            qs = qs.filter(text__contains=word)
    return qs


def _page_ids(qs, total: int, start: int, size: int, key: str, newest: tuple[str, str]) -> list[int]:
    """Ids of one page newest first; a page in the older half is read from the oldest end (the same rows, reversed),
    so the last page costs what the first does."""
    if start * 2 <= total:
        return list(qs.order_by(*newest).values_list(key, flat=True)[start:start + size])
    end = min(total, start + size)
    oldest = tuple(n[1:] for n in newest)
    return list(reversed(qs.order_by(*oldest).values_list(key, flat=True)[total - end:total - start]))


def search_orders(scope, f: Filters, page_size: int = PAGE_SIZE) -> Results:
    """One page of the search (no cap on pages: the last page is as reachable as the first). A words search without
    other filters is counted and paged on the index table (center, acceptance time, folded text) alone; only the
    page's orders are read."""
    from kefu.tickets.models import Order

    q = f.q.strip()
    parsed = None
    if q and not _NUMBER.match(q) and normalize_phone(q) is None and _only_words(scope, f):
        parsed = _parsed_words(q)
        qs, key, newest = _word_matches(scope, parsed), "order_id", ("-accepted_at", "-order_id")
    else:
        qs, key, newest = search_queryset(scope, f), "pk", ("-accepted_at", "-id")
    total = qs.count()
    pages = max(1, -(-total // page_size))
    page = min(f.page, pages)
    start = (page - 1) * page_size
    walk = _walk_newest(scope, parsed, total, start, page_size) if parsed is not None else None
    ids = _page_ids(walk if walk is not None else qs, total, start, page_size, key, newest)
    found = Order.objects.select_related("customer", "department").in_bulk(ids)
    return Results([found[pk] for pk in ids if pk in found], page, pages, total, page < pages, page > 1)


def like_baseline(scope, text: str, limit: int = PAGE_SIZE) -> tuple[int, list[int]]:
    """The plain scan the index replaces (bench/search.py): LIKE over subject and description of the center."""
    from kefu.tickets.models import Order

    qs = scope.filter(Order.objects.all()).filter(Q(subject__icontains=text) | Q(description__icontains=text))
    return qs.count(), list(qs.order_by("-accepted_at", "-id").values_list("pk", flat=True)[:limit])


# ---------------------------------------------------------------- working together on an order

def comments(order) -> list:
    """The order's internal comments, oldest first, with their authors and the staff they mention."""
    from kefu.workbench.models import Comment

    return list(Comment.objects.filter(order=order).select_related("author").prefetch_related("mentioned")
                .order_by("at", "id"))


def attachments(order) -> list:
    """The order's attachments (without their content), oldest first."""
    from kefu.workbench.models import Attachment

    return list(Attachment.objects.filter(order=order).select_related("added_by").defer("content").order_by("at", "id"))


def attachment(scope, attachment_id):
    """One attachment of an order the caller may see (center; department for department handlers): else 404."""
    from kefu.workbench.models import Attachment

    return scope.get(Attachment.objects.select_related("order"), str(Msg("workbench.what.attachment")),
                     department="order__department", pk=attachment_id)
