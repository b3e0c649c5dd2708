"""Reads of the workbench: the screen pop, the standard phrases filled for this call, the knowledge panel, and the
order search (number, phone through the keyed digest, words through the index) with filters and pages."""

from __future__ import annotations

import re
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.db import connection, transaction
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
    recent = list(
        scope.filter(Order.objects.filter(customer=customer), department="department")
        .select_related("department")
        .order_by("-accepted_at", "-id")[:RECENT_ORDERS]
    )
    callbacks = list(
        scope.filter(Task.objects.filter(customer=customer, state="open"))
        .select_related("owner", "order")
        .order_by("due_at", "id")[:RECENT_ORDERS]
    )
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
        out.append(
            {
                "code": p.code,
                "situation": p.situation,
                "situation_label": SITUATIONS.get(p.situation, p.situation),
                "title": p.title,
                "text": render(p.text, filled),
            }
        )
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
        problems.append(
            Problem.of(
                "workbench.search.bad_choice", field="kind", field_label=Msg("workbench.label.kind"), value=kind[:20]
            )
        )
    if state and state not in machine.STATES:
        problems.append(
            Problem.of(
                "workbench.search.bad_choice", field="state", field_label=Msg("workbench.label.state"), value=state[:20]
            )
        )
    overdue_raw = text("overdue")
    overdue = {"": None, "yes": True, "no": False}.get(overdue_raw, "bad")
    if overdue == "bad":
        problems.append(
            Problem.of(
                "workbench.search.bad_choice",
                field="overdue",
                field_label=Msg("workbench.label.overdue"),
                value=overdue_raw[:20],
            )
        )
        overdue = None
    try:
        level = _positive(data.get("level"), "level", Msg("workbench.label.level"))
        if level is not None and level > 4:
            raise RuleViolation.of(
                "workbench.search.bad_choice", field="level", field_label=Msg("workbench.label.level"), value=level
            )
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
    return Filters(
        q=q,
        kind=kind,
        state=state,
        level=level,
        department=department,
        overdue=overdue,
        date_from=date_from,
        date_to=date_to,
        owner=text("owner", 20),
        page=page or 1,
    )


def _local_start(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _parsed_words(q: str) -> words.Query:
    parsed = words.parse(q)
    if not parsed.terms:
        word = parsed.too_short[0] if parsed.too_short else q[:20]
        raise RuleViolation.of("workbench.search.word_too_short", field="q", word=word)
    return parsed


def _owner(scope, staff_no: str):
    from kefu.org.models import Staff

    owner = scope.filter(Staff.objects.filter(staff_no=staff_no)).first()
    if owner is None:
        raise RuleViolation.of("workbench.search.owner_unknown", field="owner", value=staff_no)
    return owner


def _like(word: str) -> str:
    return "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


@dataclass(frozen=True)
class _Index:
    """One words search asked of the index table alone: the SELECT of the matching sort keys (without order and
    limit), its parameters, the column of the sort key and whether the database returns the keys ordered."""

    sql: str
    params: list
    key: str
    ordered: bool
    lo: int | None = None  # the date range as sort keys
    hi: int | None = None
    sample: str = ""  # PostgreSQL: the same search as plain LIKEs on the row, for the estimate's sample (cheaper per
    sample_params: list = field(default_factory=list)  # row than building its array of terms)
    cond: str = ""  # PostgreSQL: the condition on one row (without the center and dates), for the newest rows' probe
    cond_params: list = field(default_factory=list)


def _index_search(scope, f: Filters | None, parsed: words.Query) -> _Index | None:
    """The words, the filters and the caller's reach as one query of the index (FTS5 on SQLite: the phrases and
    filter keys in one MATCH, the dates a range of its rowid; PostgreSQL: the terms and keys in one GIN
    containment). None when nothing can match (a department handler without a department)."""
    from kefu.workbench import triggers

    must = [words.meta_key("c", scope.center.pk)]
    lo = hi = None
    if f is not None:
        for letter, value in (("k", f.kind), ("s", f.state), ("l", f.level), ("d", f.department)):
            if value:
                must.append(words.meta_key(letter, value))
        if f.overdue is not None:
            must.append(words.meta_key("o", f.overdue))
        if f.owner:
            must.append(words.meta_key("u", _owner(scope, f.owner).pk))
        if f.date_from:
            lo = words.time_key(_local_start(f.date_from))
        if f.date_to:
            hi = words.time_key(_local_start(f.date_to + timedelta(days=1))) - 1
    any_of = None
    if scope.department_limited:
        if not scope.departments:
            return None
        any_of = [words.meta_key("d", d) for d in sorted(scope.departments)]
    if connection.vendor == "postgresql":
        # The center is asked of the row, not of the GIN index (its key's posting list holds every row of the center).
        # Each word as a LIKE of the row's text and each filter key of its keys first: every match passes them (a
        # word's terms are in its text) and most other rows fail them before their array of terms is built, which
        # costs more per row (the newest rows' probe tests rows one by one; AND stops at the first false).
        has_key = "(' ' || meta || ' ') LIKE %s"
        likes = ["text LIKE %s"] * len(parsed.words) + [has_key] * len(must[1:])
        cond_params: list = [_like(w) for w in parsed.words] + [f"% {k} %" for k in must[1:]]
        if any_of:
            likes.append("(" + " OR ".join([has_key] * len(any_of)) + ")")
            cond_params += [f"% {k} %" for k in any_of]
        cond = " AND ".join([*likes, f"{triggers.PG_TERMS} @> %s::text[]"])
        cond_params.append(list(parsed.terms) + must[1:])
        if any_of:
            cond += f" AND {triggers.PG_TERMS} && %s::text[]"
            cond_params.append(any_of)
        sql = f"SELECT sort_key AS k FROM workbench_orderwords WHERE center_id = %s AND {cond}"
        params: list = [scope.center.pk, *cond_params]
        key, ordered = "sort_key", False
        sample = ["center_id = %s"] + ["text LIKE %s"] * len(parsed.words) + [has_key] * len(must)
        sample_params = [scope.center.pk] + [_like(w) for w in parsed.words] + [f"% {k} %" for k in must]
        if any_of:
            sample.append("(" + " OR ".join([has_key] * len(any_of)) + ")")
            sample_params += [f"% {k} %" for k in any_of]
    else:
        # The center is asked of the joined row (by the sort key's unique index), not in the MATCH: its key is in
        # every row of the center, and ANDing its doclist doubled the cost of a rare word or a filtered one.
        expression, checks = words.fts5_words(parsed)
        keys = words.fts5_meta(must[1:], any_of)
        match = f"{expression} AND {keys}" if keys else expression
        sql = (
            f"SELECT f.rowid AS k FROM {triggers.FTS} f JOIN workbench_orderwords w ON w.sort_key = f.rowid "
            f"WHERE {triggers.FTS} MATCH %s AND w.center_id = %s" + " AND w.text LIKE %s ESCAPE '\\'" * len(checks)
        )
        params, key = [match, scope.center.pk, *map(_like, checks)], "f.rowid"
        ordered, sample, sample_params, cond, cond_params = True, [], [], "", []
    if lo is not None:
        sql += f" AND {key} >= %s"
        params.append(lo)
        sample.append("sort_key >= %s")
        sample_params.append(lo)
    if hi is not None:
        sql += f" AND {key} <= %s"
        params.append(hi)
        sample.append("sort_key <= %s")
        sample_params.append(hi)
    return _Index(sql, params, key, ordered, lo, hi, " AND ".join(sample), sample_params, cond, cond_params)


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
            # Two lookups, one per digest's index (an OR of the two made SQLite read every customer of the center).
            # The service number is asked without the center, so its index answers alone (covering: only ids): with
            # most customers' service numbers blank, SQLite's statistics give that index no selectivity and a center
            # condition beside it made it read every customer instead. The orders below are the center's anyway.
            key = digest(phone)
            customers = set(scope.filter(Customer.objects.filter(phone_digest=key)).values_list("pk", flat=True))
            customers.update(Customer.objects.filter(service_number_digest=key).values_list("pk", flat=True))
            qs = qs.filter(customer__in=sorted(customers))
        else:  # the ids the index finds (words only); the filters below are asked of those orders
            index = _index_search(scope, None, _parsed_words(q))
            if index is None:
                return qs.none()
            mask = 2**words.ID_BITS - 1
            qs = qs.filter(pk__in=RawSQL(f"SELECT k & {mask} FROM ({index.sql}) found", index.params))
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
        owner = _owner(scope, f.owner)
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
    estimated: bool = False  # total (and so the page count) estimated: shown as 约 N


EXACT_UP_TO = 2000  # matches of a words search counted exactly; above, the total is estimated
# SQLite: FTS5 finds the matches newest first and the walk along its doclists, not the count, is what costs, so it
# stops after this many (+ 1) and a larger total is estimated from the time they span (error ~ 1/sqrt of it: ~6 %).
ORDERED_UP_TO = 300
SAMPLE_ROWS = 5000  # PostgreSQL: index rows read (a sample of its pages) to estimate a large total of older matches
PROBE_ROWS = 4000  # PostgreSQL: the center's newest rows (in the dates) tested first, along the sort key's index
PROBE_MIN = 40  # ... a word found at least this often there is common: its pages are read along that index


def _rows(sql: str, params: list, *, walk: bool = False) -> list[tuple]:
    """Rows of one index query. PostgreSQL: without JIT compilation or parallel workers (their start costs more than
    these queries); `walk` reads along the (center, sort key) index, testing each row, so a page of a common word
    stops early instead of every match being found through GIN and sorted."""
    postgres = connection.vendor == "postgresql"
    with transaction.atomic() if postgres else nullcontext(), connection.cursor() as cursor:
        if postgres:
            cursor.execute("SET LOCAL jit = off")
            cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
            if walk:  # GIN is only read through bitmaps
                for setting in ("enable_bitmapscan", "enable_seqscan", "enable_sort"):
                    cursor.execute(f"SET LOCAL {setting} = off")
        cursor.execute(sql, params)
        return cursor.fetchall()


def _keys(index: _Index, *, newest: bool = True, limit: int, offset: int = 0) -> list[int]:
    """Sort keys of the matches, newest (or oldest) first, from `offset` on."""
    sql = f"{index.sql} ORDER BY {index.key} {'DESC' if newest else 'ASC'} LIMIT %s OFFSET %s"
    return [row[0] for row in _rows(sql, [*index.params, limit, offset], walk=not index.ordered)]


def counted_up_to(ordered: bool | None = None) -> int:
    """Matches counted exactly; above, the total is estimated. `ordered`: the index gives its matches newest first
    (SQLite's FTS5), by default this database's."""
    ordered = connection.vendor != "postgresql" if ordered is None else ordered
    return min(EXACT_UP_TO, ORDERED_UP_TO) if ordered else EXACT_UP_TO


def _capped(index: _Index) -> list[int]:
    """Up to counted_up_to() + 1 matches, newest first (FTS5: in its rowid order; PostgreSQL: any that the GIN index
    finds first, then sorted)."""
    if index.ordered:
        return _keys(index, limit=counted_up_to(True) + 1)
    return sorted((row[0] for row in _rows(f"{index.sql} LIMIT %s", [*index.params, EXACT_UP_TO + 1])), reverse=True)


def _range(scope, index: _Index, column: str = "sort_key") -> tuple[str, list]:
    where, params = "center_id = %s", [scope.center.pk]
    if index.lo is not None:
        where += f" AND {column} >= %s"
        params.append(index.lo)
    if index.hi is not None:
        where += f" AND {column} <= %s"
        params.append(index.hi)
    return where, params


def _probe(scope, index: _Index) -> tuple[list[int], int | None]:
    """PostgreSQL: the matches among the center's newest PROBE_ROWS rows (in the dates), newest first, and the sort
    key of the oldest row looked at (None when those were all the rows: the matches are then all the matches)."""
    where, params = _range(scope, index)
    rows = _rows(
        f"SELECT k, {index.cond} FROM (SELECT sort_key AS k, words, meta, text FROM workbench_orderwords "
        f"WHERE {where} ORDER BY sort_key DESC LIMIT %s) newest",
        [*index.cond_params, *params, PROBE_ROWS],
        walk=True,
    )
    return [k for k, match in rows if match], (rows[-1][0] if len(rows) == PROBE_ROWS else None)


def _count(index: _Index) -> int:
    return _rows(f"SELECT count(*) FROM ({index.sql}) found", index.params)[0][0]


def _round(n: float) -> int:
    """An estimate to two significant digits (约 52,000)."""
    n = int(round(n))
    step = 10 ** max(0, len(str(n)) - 2)
    return max(step, int(round(n / step)) * step)


def _by_time(scope, index: _Index, found: int, window_oldest: int) -> int:
    """`found` matches among the center's rows from window_oldest to the newest: scaled by the time all its rows
    (in the asked dates) span against the time those span."""
    where, params = _range(scope, index)
    newest, oldest = _rows(
        f"SELECT (SELECT max(sort_key) FROM workbench_orderwords WHERE {where}), "
        f"(SELECT min(sort_key) FROM workbench_orderwords WHERE {where})",
        params + params,
    )[0]
    span = words.seconds_of(newest) - words.seconds_of(oldest) + 1
    window = words.seconds_of(newest) - words.seconds_of(window_oldest) + 1
    return _round(max(found, found * span / window))


def _sampled(index: _Index, found: int) -> int:
    """PostgreSQL: the matches in a sample of the index's pages (TABLESAMPLE SYSTEM, repeatable; the words and keys
    asked as LIKEs of the row), scaled to the whole table."""
    rows = max(
        1.0, _rows("SELECT reltuples FROM pg_class WHERE oid = 'workbench_orderwords'::regclass", [])[0][0] or 0.0
    )
    percent = min(100.0, 100.0 * SAMPLE_ROWS / rows)
    sampled = _rows(
        f"SELECT count(*) FROM workbench_orderwords TABLESAMPLE SYSTEM (%s::real) REPEATABLE (17) WHERE {index.sample}",
        [percent, *index.sample_params],
    )[0][0]
    return _round(max(found, sampled * 100.0 / percent))


def _total(scope, index: _Index) -> tuple[list[int], int, bool]:
    """The newest matches known (newest first, a prefix of all of them), the total and whether it is estimated.
    SQLite: up to ORDERED_UP_TO + 1 from FTS5 in rowid order, the total estimated above ORDERED_UP_TO from the time
    they span. PostgreSQL: the center's newest rows tested first; a word common there is estimated from them, any other
    counted through GIN up to EXACT_UP_TO (above, estimated from a sample)."""
    if index.ordered:
        newest = _capped(index)
        if len(newest) <= counted_up_to(True):
            return newest, len(newest), False
        return newest, _by_time(scope, index, len(newest), newest[-1]), True
    newest, window_oldest = _probe(scope, index)
    if window_oldest is None:
        return newest, len(newest), False
    estimate = _by_time(scope, index, len(newest), window_oldest) if len(newest) >= PROBE_MIN else None
    if estimate is not None and estimate > EXACT_UP_TO:
        return newest, estimate, True
    capped = _capped(index)
    if len(capped) <= EXACT_UP_TO:
        return capped, len(capped), False
    return newest, estimate if estimate is not None else _sampled(index, len(capped)), True


def _index_page(scope, index: _Index, page: int, size: int) -> tuple[list[int], int, int, bool]:
    """One page of a words search (order ids newest first), its page number (past the end: the last), the total and
    whether the total is estimated. Pages beyond the newest matches known are read from the nearer end (the last
    page costs what the first does); a page past the real end of an estimate falls back to the exact count."""
    newest, total, estimated = _total(scope, index)
    while True:
        page = min(page, max(1, -(-total // size)))
        start = (page - 1) * size
        last = estimated and page > 1 and page * size >= total  # the last page of an estimate: the oldest matches
        if (not estimated and len(newest) >= total) or (start + size <= len(newest) and not last):
            keys = newest[start : start + size]
        elif start * 2 <= total and not last:
            keys = _keys(index, limit=size, offset=start)
        else:
            end = min(total, start + size)
            keys = list(reversed(_keys(index, newest=False, limit=end - start, offset=total - end)))
        if keys or not estimated:
            return [words.order_id_of(k) for k in keys], page, total, estimated
        total, estimated = _count(index), False  # the estimate ran past the last match: count them


def search_orders(scope, f: Filters, page_size: int = PAGE_SIZE) -> Results:
    """One page of the search (no cap on pages: the last page is as reachable as the first). A words search, with
    any filters, is found, counted and paged on the index table alone (kefu/workbench/words.py); only the page's
    orders are read. Above EXACT_UP_TO matches the total is an estimate (Results.estimated, shown as 约)."""
    from kefu.tickets.models import Order

    q = f.q.strip()
    estimated = False
    if q and not _NUMBER.match(q) and normalize_phone(q) is None:
        index = _index_search(scope, f, _parsed_words(q))
        if index is None:
            ids, page, total = [], 1, 0
        else:
            ids, page, total, estimated = _index_page(scope, index, f.page, page_size)
    else:
        qs = search_queryset(scope, f)
        # A number's or a customer's orders: read (unordered, by the customer's or the number's index) and sorted
        # here, counted by that read; SQLite would otherwise walk every order by time for the page.
        few = sorted(qs.order_by().values_list("accepted_at", "pk")[: EXACT_UP_TO + 1], reverse=True) if q else []
        total = len(few) if q and len(few) <= EXACT_UP_TO else qs.count()
        page = min(f.page, max(1, -(-total // page_size)))
        start = (page - 1) * page_size
        if len(few) == total:
            ids = [pk for _, pk in few][start : start + page_size]
        elif start * 2 <= total:
            ids = list(qs.values_list("pk", flat=True)[start : start + page_size])
        else:  # the older half read from the oldest end (the same rows, reversed)
            end = min(total, start + page_size)
            ids = list(
                reversed(qs.order_by("accepted_at", "id").values_list("pk", flat=True)[total - end : total - start])
            )
    pages = max(1, -(-total // page_size))
    found = Order.objects.select_related("customer", "department").in_bulk(ids)
    return Results([found[pk] for pk in ids if pk in found], page, pages, total, page < pages, page > 1, estimated)


def like_baseline(scope, text: str, limit: int = PAGE_SIZE) -> tuple[int, list[int]]:
    """The plain scan the index replaces (bench/search.py): LIKE over subject and description of the center."""
    from kefu.tickets.models import Order

    qs = scope.filter(Order.objects.all()).filter(Q(subject__icontains=text) | Q(description__icontains=text))
    return qs.count(), list(qs.order_by("-accepted_at", "-id").values_list("pk", flat=True)[:limit])


# ---------------------------------------------------------------- working together on an order


def comments(order) -> list:
    """The order's internal comments, oldest first, with their authors and the staff they mention."""
    from kefu.workbench.models import Comment

    return list(
        Comment.objects.filter(order=order).select_related("author").prefetch_related("mentioned").order_by("at", "id")
    )


def attachments(order) -> list:
    """The order's attachments (without their content), oldest first."""
    from kefu.workbench.models import Attachment

    return list(Attachment.objects.filter(order=order).select_related("added_by").defer("content").order_by("at", "id"))


def attachment(scope, attachment_id):
    """One attachment of an order the caller may see (center; department for department handlers): else 404."""
    from kefu.workbench.models import Attachment

    return scope.get(
        Attachment.objects.select_related("order"),
        str(Msg("workbench.what.attachment")),
        department="order__department",
        pk=attachment_id,
    )
