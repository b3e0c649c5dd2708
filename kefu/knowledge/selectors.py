"""Reads of the knowledge base: search during a call, visible articles, the case library beside it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import connection
from django.db.models import Count, Max, Q
from django.utils import timezone

from kefu.knowledge import search
from kefu.knowledge.models import Article, IndexMeta, Posting, Synonym, TermStat
from kefu.org.policy import policy_for

# Terms found in more than this share of documents are not worth fetching postings for (idf ≈ 0).
COMMON_TERM_SHARE = 0.5
# The rarest query terms are read in full up to this many postings and pick the candidates; the
# commoner terms are then read only for those candidates.
POSTING_BUDGET = 1000
POSTING_BUDGET_SHARE = 0.1
RARE_MIN = 200
CANDIDATES = 300
TELLING_WORDS = 3

_SYN_MEMO: dict = {}


def synonyms_map() -> dict[str, list[str]]:
    stamp = tuple(Synonym.objects.aggregate(n=Count("id"), last=Max("id")).values())
    if _SYN_MEMO.get("stamp") != stamp:
        _SYN_MEMO["map"] = {s.term: list(s.expansions) for s in Synonym.objects.all()}
        _SYN_MEMO["stamp"] = stamp
    return _SYN_MEMO["map"]


@dataclass
class Found:
    article: Article
    score: float
    snippet: str


def search_articles(query: str, center=None, limit: int | None = None, today: date | None = None) -> list[Found]:
    """BM25 over the index tables; only published entries within their validity dates (002:L266)."""
    query = (query or "").strip()
    if not query:
        return []
    if limit is None:
        limit = policy_for("knowledge", center).get("search_results", 5)
    today = today or timezone.localdate()
    weights = search.query_terms(query, synonyms_map())
    if not weights:
        return []
    meta = IndexMeta.objects.filter(key="kb").first()
    if meta is None or meta.n_docs <= 0:
        return []
    df = _df(weights)
    # The caller's words no article uses: their nearest words in general Chinese instead.
    related = {t: w for t, w in search.related_terms(query, df).items() if t not in weights}
    if related:
        df.update(_df(related))
        weights.update(related)
    ranked = search.bm25(
        weights, read_postings(df, meta.n_docs, weights), df, meta.n_docs, meta.total_len / meta.n_docs
    )
    top = ranked[: max(limit * 4, 20)]
    by_id = {}
    # Fetched by primary key only, then filtered here: a status/date filter in SQL lets the planner
    # pick the status index and scan every published article.
    for a in Article.objects.filter(pk__in=[d for d, _ in top]).select_related("category"):
        if a.status != Article.Status.PUBLISHED or (center is not None and a.center_id != center.pk):
            continue
        if (a.valid_to is not None and a.valid_to < today) or (a.valid_from is not None and a.valid_from > today):
            continue
        by_id[a.pk] = a
    out = []
    for doc, score in top:
        article = by_id.get(doc)
        if article is not None:
            out.append(Found(article, round(score, 3), search.snippet(article.body, weights)))
        if len(out) >= limit:
            break
    return out


def _df(terms) -> dict[str, int]:
    return dict(TermStat.objects.filter(term__in=list(terms), df__gt=0).values_list("term", "df"))


def read_postings(df: dict[str, int], n_docs: int, weights: dict[str, float]) -> list[tuple[str, int, float, int]]:
    """Postings of the query terms: the rarest terms in full, within a row budget, and the most telling
    words in full (they pick the candidates); the other terms only for the best candidates
    (term-at-a-time with a candidate set)."""
    budget = max(POSTING_BUDGET, int(n_docs * POSTING_BUDGET_SHARE))
    common_cap = max(RARE_MIN, int(n_docs * COMMON_TERM_SHARE))
    ordered = sorted((t for t, d in df.items() if d <= common_cap), key=lambda t: (df[t], t))
    if not ordered:
        return []
    rare, used = [], 0
    for term in ordered:
        if rare and used + df[term] > budget:
            break
        rare.append(term)
        used += df[term]
    # The query's most telling words (weight x idf) pick candidates too, whatever their postings: an
    # article that has the subject of the question (话费) but none of its rare side terms is still found.
    best = sorted((t for t in ordered if not search.is_gram(t)), key=lambda t: -weights[t] * search.idf(df[t], n_docs))
    rare += [t for t in best[:TELLING_WORDS] if t not in rare]
    picked = set(rare)
    common = [t for t in ordered if t not in picked]
    rows = _fetch(rare)
    if common:
        partial: dict[int, float] = {}
        for term, doc, tf, _ in rows:
            partial[doc] = partial.get(doc, 0.0) + weights[term] * search.idf(df[term], n_docs) * tf / (tf + 1.0)
        candidates = sorted(partial, key=partial.get, reverse=True)[:CANDIDATES]
        rows += _fetch(common, candidates)
    return rows


def _fetch(terms: list[str], articles: list[int] | None = None) -> list[tuple]:
    """Raw SQL on the (term, article) unique index: the ORM's per-row cost dominates at thousands of rows."""
    table = Posting._meta.db_table
    sql = f"SELECT term, article_id, tf, doc_len FROM {table} WHERE term IN ({', '.join(['%s'] * len(terms))})"
    params: list = list(terms)
    if articles is not None:
        if not articles:
            return []
        sql += f" AND article_id IN ({', '.join(['%s'] * len(articles))})"
        params += articles
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def substring_search(query: str, limit: int = 5) -> list[int]:
    """The baseline: titles or bodies containing the whole query (what a plain LIKE search finds)."""
    query = (query or "").strip()
    return list(
        Article.objects.filter(status=Article.Status.PUBLISHED)
        .filter(Q(title__icontains=query) | Q(body__icontains=query))
        .values_list("pk", flat=True)[:limit]
    )


def search_cases(query: str, limit: int = 5, *, center=None) -> tuple[bool, list]:
    """The case library (typical archived orders) from the tickets app, when it provides one."""
    try:
        from kefu.tickets.selectors import search_cases as tickets_search_cases
    except (ImportError, AttributeError):
        return False, []
    return True, list(tickets_search_cases(query, limit, center=center))


def visible_articles(user):
    """The caller's center's entries: published ones for everyone, drafts and pending ones only for the KB staff.
    A user without a staff record belongs to no center and sees none."""
    from kefu.access import allowed

    staff = getattr(user, "staff", None) if user is not None and user.is_authenticated else None
    if staff is None:
        return Article.objects.none()
    qs = Article.objects.filter(center_id=staff.center_id)
    if not allowed(user, "knowledge.list_articles"):
        qs = qs.filter(status=Article.Status.PUBLISHED)
    return qs


def expiring(center, today: date | None = None, days: int | None = None):
    today = today or timezone.localdate()
    if days is None:
        days = policy_for("knowledge", center).get("expiry_warning_days", 7)
    return Article.objects.filter(
        center=center,
        status=Article.Status.PUBLISHED,
        valid_to__isnull=False,
        valid_to__lte=today + timedelta(days=days),
    ).order_by("valid_to")
