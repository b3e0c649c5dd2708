from __future__ import annotations

from datetime import date, datetime

from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema

from kefu.access import allowed, op
from kefu.audit.services import can_unmask, record_read, shown_name, shown_phone
from kefu.errors import RuleViolation
from kefu.knowledge import selectors, services
from kefu.knowledge.models import (
    Article,
    ArticleVersion,
    Category,
    KeyAccount,
    Notification,
    PhraseRule,
    StandardPhrase,
    Synonym,
)
from kefu.knowledge.standard_phrases import MissingValue, placeholders, render
from kefu.org.models import Staff

router = Router(tags=["知识库 knowledge"])


def _staff(request) -> Staff:
    return get_object_or_404(Staff.objects.select_related("center"), user=request.user)


def _center(request):
    staff = getattr(request.user, "staff", None)
    return staff.center if staff else None


class HitOut(Schema):
    start: int
    end: int
    phrase: str
    category: str
    category_label: str
    suggestion: str
    seed_line: str
    code: str


class CheckOut(Schema):
    text: str
    hits: list[HitOut]


@op(router.get, "/check", "knowledge.check", response=CheckOut)
def check(request, text: str = ""):
    """服务忌语/习惯用语检查：返回命中的位置、类别、专业表达和出处。"""
    if len(text) > 20000:
        raise RuleViolation("检查文本不能超过20000个字符", field="text", rule="max_length")
    return {"text": text, "hits": services.check_text(text, _center(request), getattr(request.user, "staff", None))}


class ArticleBrief(Schema):
    id: int
    title: str
    status: str
    category: str | None
    valid_from: date | None
    valid_to: date | None
    published_at: datetime | None

    @staticmethod
    def resolve_category(obj):
        return obj.category.name if obj.category_id else None


class FoundOut(Schema):
    id: int
    title: str
    snippet: str
    score: float
    category: str | None


class KnowledgeCaseOut(Schema):
    id: int | str
    title: str
    summary: str


class SearchOut(Schema):
    query: str
    articles: list[FoundOut]
    cases_available: bool
    cases: list[KnowledgeCaseOut]


def case_dict(item) -> dict:
    get = item.get if isinstance(item, dict) else lambda k, d=None: getattr(item, k, d)
    return {
        "id": get("id", "") or get("pk", ""),
        "title": str(get("title", "") or get("subject", "") or item),
        "summary": str(get("summary", "") or get("resolution", "") or ""),
    }


def run_search(request, q: str, limit: int | None = None) -> dict:
    found = selectors.search_articles(q, _center(request), limit)
    available, cases = selectors.search_cases(q, limit or 5, center=_center(request)) if q.strip() else (True, [])
    cases = [case_dict(c) for c in cases]
    if cases:
        record_read(request, object_type="typical_case", ids=[c["id"] for c in cases], fields="title,summary")
    return {
        "query": q,
        "cases_available": available,
        "cases": cases,
        "articles": [
            {
                "id": f.article.pk,
                "title": f.article.title,
                "snippet": f.snippet,
                "score": f.score,
                "category": f.article.category.name if f.article.category_id else None,
            }
            for f in found
        ],
    }


@op(router.get, "/search", "knowledge.search", response=SearchOut)
def search(request, q: str = "", limit: int = Query(5, ge=1, le=50)):
    """通话中检索知识库（分词 + BM25 + 同义词），并列出案例库中的典型案例。"""
    return run_search(request, q, limit)


class VersionOut(Schema):
    id: int
    article_id: int
    number: int
    title: str
    body: str
    status: str
    source_doc: str
    confirmed_by: str
    valid_from: date | None
    valid_to: date | None
    tag_names: list[str]
    author: str | None
    reviewer: str | None
    review_note: str
    created_at: datetime
    submitted_at: datetime | None
    reviewed_at: datetime | None

    @staticmethod
    def resolve_author(obj):
        return obj.author.staff_no if obj.author_id else None

    @staticmethod
    def resolve_reviewer(obj):
        return obj.reviewer.staff_no if obj.reviewer_id else None


class ArticleOut(ArticleBrief):
    body: str
    tags: list[str]
    versions: list[VersionOut]

    @staticmethod
    def resolve_tags(obj):
        return [t.name for t in obj.tags.all()]

    @staticmethod
    def resolve_versions(obj):
        return getattr(obj, "versions_list", [])


class ArticleIn(Schema):
    title: str = Field(..., max_length=200)
    body: str
    category_id: int | None = None
    tags: list[str] = []
    source_doc: str = Field("", max_length=200)
    source_text: str = ""
    confirmed_by: str = Field("", max_length=100)
    valid_from: date | None = None
    valid_to: date | None = None


class NoteIn(Schema):
    note: str = Field("", max_length=300)


class ReasonIn(Schema):
    reason: str = Field(..., max_length=200)


@op(router.get, "/articles", "knowledge.list_articles", response=list[ArticleBrief])
def list_articles(request, status: str | None = None):
    qs = Article.objects.select_related("category").filter(center=_center(request))
    if status:
        qs = qs.filter(status=status)
    return list(qs[:500])


@op(router.get, "/articles/{article_id}", "knowledge.get_article", response=ArticleOut)
def get_article(request, article_id: int):
    article = get_object_or_404(selectors.visible_articles(request.user).select_related("category"), pk=article_id)
    if allowed(request.user, "knowledge.list_articles"):
        article.versions_list = list(article.versions.select_related("author", "reviewer"))
    else:
        article.versions_list = [article.published_version] if article.published_version_id else []
    return article


def _category(payload) -> Category | None:
    return get_object_or_404(Category, pk=payload.category_id) if payload.category_id else None


@op(router.post, "/articles", "knowledge.create_article", response={201: VersionOut})
def create_article(request, payload: ArticleIn):
    version = services.create_article(
        _staff(request), category=_category(payload), **payload.dict(exclude={"category_id"})
    )
    return 201, version


@op(router.post, "/articles/{article_id}/versions", "knowledge.revise_article", response={201: VersionOut})
def revise_article(request, article_id: int, payload: ArticleIn):
    article = get_object_or_404(Article, pk=article_id, center=_center(request))
    return 201, services.revise_article(
        _staff(request), article, category=_category(payload), **payload.dict(exclude={"category_id"})
    )


@op(router.post, "/versions/{version_id}/submit", "knowledge.submit_version", response=VersionOut)
def submit_version(request, version_id: int):
    return services.submit_version(
        _staff(request), get_object_or_404(ArticleVersion, pk=version_id, article__center=_center(request))
    )


@op(router.post, "/versions/{version_id}/approve", "knowledge.approve_version", response=VersionOut)
def approve_version(request, version_id: int, payload: NoteIn):
    return services.approve_version(
        _staff(request),
        get_object_or_404(ArticleVersion, pk=version_id, article__center=_center(request)),
        payload.note,
    )


@op(router.post, "/versions/{version_id}/reject", "knowledge.reject_version", response=VersionOut)
def reject_version(request, version_id: int, payload: NoteIn):
    return services.reject_version(
        _staff(request),
        get_object_or_404(ArticleVersion, pk=version_id, article__center=_center(request)),
        payload.note,
    )


@op(router.post, "/articles/{article_id}/retire", "knowledge.retire_article", response=ArticleBrief)
def retire_article(request, article_id: int, payload: ReasonIn):
    return services.retire_article(
        _staff(request), get_object_or_404(Article, pk=article_id, center=_center(request)), payload.reason
    )


@op(router.get, "/expiring", "knowledge.expiring", response=list[ArticleBrief])
def expiring(request):
    return list(selectors.expiring(_center(request)))


class NotificationOut(Schema):
    id: int
    article_id: int
    version_id: int
    message: str
    created_at: datetime
    read_at: datetime | None


@op(router.get, "/notifications", "knowledge.notifications", response=list[NotificationOut])
def notifications(request, unread: bool = False):
    qs = Notification.objects.filter(recipient__user=request.user)
    if unread:
        qs = qs.filter(read_at__isnull=True)
    return list(qs[:200])


@op(router.post, "/notifications/{notification_id}/read", "knowledge.read_notification", response=NotificationOut)
def read_notification(request, notification_id: int):
    return services.mark_read(
        _staff(request), get_object_or_404(Notification, pk=notification_id, recipient__center=_center(request))
    )


class PhraseOut(Schema):
    code: str
    situation: str
    title: str
    text: str
    seed_line: str
    placeholders: list[str]

    @staticmethod
    def resolve_placeholders(obj):
        return list(placeholders(obj.text))


class RenderIn(Schema):
    code: str
    values: dict[str, str] = {}


class RenderOut(Schema):
    code: str
    text: str


class PhraseIn(Schema):
    situation: str
    title: str = Field(..., max_length=100)
    text: str
    seed_line: str = Field("", max_length=60)
    enabled: bool = True


def _ensure_phrases():
    if not StandardPhrase.objects.exists():
        services.load_default_phrases()


@op(router.get, "/phrases", "knowledge.list_phrases", response=list[PhraseOut])
def list_phrases(request, situation: str | None = None):
    _ensure_phrases()
    qs = StandardPhrase.objects.filter(enabled=True)
    if situation:
        qs = qs.filter(situation=situation)
    return list(qs)


def render_phrase_for(request, code: str, values: dict) -> str:
    _ensure_phrases()
    phrase = get_object_or_404(StandardPhrase, code=code, enabled=True)
    values = dict(values)
    staff = getattr(request.user, "staff", None)
    if staff is not None:
        values.setdefault("staff_no", staff.staff_no)  # agents are known to customers by 工号 (004:L1229)
        values.setdefault("center", staff.center.name)
    try:
        return render(phrase.text, values)
    except MissingValue as exc:
        raise RuleViolation(str(exc), field=f"values.{exc.name}", rule="placeholder") from exc
    except ValueError as exc:
        raise RuleViolation(str(exc), field="values.title", rule="choice") from exc


@op(router.post, "/phrases/render", "knowledge.render_phrase", response=RenderOut)
def render_phrase(request, payload: RenderIn):
    return {"code": payload.code, "text": render_phrase_for(request, payload.code, payload.values)}


@op(router.put, "/phrases/{code}", "knowledge.save_phrase", response=PhraseOut)
def save_phrase(request, code: str, payload: PhraseIn):
    return services.save_standard_phrase(code=code, **payload.dict())


class RuleOut(Schema):
    code: str
    category: str
    phrase: str
    pattern: str
    unless: str
    word: bool
    suggestion: str
    seed_line: str
    enabled: bool


class RuleIn(Schema):
    category: str
    phrase: str = Field(..., max_length=200)
    pattern: str = Field(..., max_length=500)
    unless: str = Field("", max_length=300)
    word: bool = False
    suggestion: str = Field("", max_length=300)
    seed_line: str = Field("", max_length=60)
    enabled: bool = True


@op(router.get, "/phrase-rules", "knowledge.list_phrase_rules", response=list[RuleOut])
def list_phrase_rules(request):
    services.active_rules()
    return list(PhraseRule.objects.all())


@op(router.put, "/phrase-rules/{code}", "knowledge.save_phrase_rule", response=RuleOut)
def save_phrase_rule(request, code: str, payload: RuleIn):
    return services.save_phrase_rule(code=code, **payload.dict())


class SynonymIO(Schema):
    term: str = Field(..., max_length=40)
    expansions: list[str]


@op(router.get, "/synonyms", "knowledge.list_synonyms", response=list[SynonymIO])
def list_synonyms(request):
    return list(Synonym.objects.order_by("term"))


@op(router.post, "/synonyms", "knowledge.save_synonym", response=SynonymIO)
def save_synonym(request, payload: SynonymIO):
    return services.save_synonym(payload.term, payload.expansions)


class KeyAccountOut(Schema):
    id: int
    kind: str
    name: str
    account_no: str
    service_note: str
    contact_name: str
    contact_phone: str
    manager: str | None
    is_active: bool


class KeyAccountIn(Schema):
    kind: str
    name: str = Field(..., max_length=200)
    account_no: str = Field("", max_length=60)
    service_note: str = Field("", max_length=300)
    customer_phone: str | None = None
    manager_staff_no: str | None = None
    is_active: bool = True


def _key_account_out(request, rows, unmask: bool) -> list[dict]:
    show = unmask and can_unmask(request.user)
    out = []
    for r in rows:
        c = r.customer
        out.append(
            {
                "id": r.pk,
                "kind": r.kind,
                "name": r.name,
                "account_no": r.account_no,
                "service_note": r.service_note,
                "contact_name": shown_name(c.name, show) if c else "",
                "contact_phone": shown_phone(c.phone, show) if c else "",
                "manager": r.manager.staff_no if r.manager_id else None,
                "is_active": r.is_active,
            }
        )
    with_customer = [r.customer_id for r in rows if r.customer_id]
    if with_customer:
        record_read(
            request, object_type="customer", ids=with_customer, fields="name,phone" + (",unmasked" if show else "")
        )
    return out


@op(router.get, "/key-accounts", "knowledge.list_key_accounts", response=list[KeyAccountOut])
def list_key_accounts(request, kind: str | None = None, unmask: bool = False):
    qs = KeyAccount.objects.select_related("customer", "manager").filter(center=_center(request), is_active=True)
    if kind:
        qs = qs.filter(kind=kind)
    return _key_account_out(request, list(qs[:500]), unmask)


@op(router.post, "/key-accounts", "knowledge.save_key_account", response=KeyAccountOut)
def save_key_account(request, payload: KeyAccountIn):
    from kefu.customers.services import find_by_phone

    editor = _staff(request)
    customer = None
    if payload.customer_phone:
        customer = find_by_phone(editor.center, payload.customer_phone)
        if customer is None:
            raise RuleViolation("未找到该电话对应的客户，请先建档", field="customer_phone", rule="not_found")
    manager = get_object_or_404(Staff, staff_no=payload.manager_staff_no) if payload.manager_staff_no else None
    row = services.save_key_account(
        editor,
        kind=payload.kind,
        name=payload.name,
        account_no=payload.account_no,
        service_note=payload.service_note,
        customer=customer,
        manager=manager,
        is_active=payload.is_active,
    )
    return _key_account_out(request, [row], False)[0]
