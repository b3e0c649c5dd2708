"""Use cases of the knowledge base. Every write goes through here, inside transaction.atomic.

Seed rules: the editor (采编员) collects material and updates the KB in real time (004:L955-957),
changes are approved by the team lead before they take effect (004:L959), staff are notified (004:L957),
key-account lists are kept by the editor (004:L961); the issuing department confirms the unified wording
(002:L262-264); every addition/removal keeps start and end times and the original text (002:L266).
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from kefu import registry
from kefu.errors import Conflict, NotAllowed, Problem, RuleViolation
from kefu.knowledge import phrases, search
from kefu.knowledge.models import (
    Article,
    ArticleVersion,
    Category,
    IndexedDoc,
    IndexMeta,
    KeyAccount,
    Notification,
    PhraseRule,
    Posting,
    StandardPhrase,
    Synonym,
    Tag,
    TermStat,
)
from kefu.knowledge.phrase_data import DEFAULT_RULES
from kefu.knowledge.standard_phrases import DEFAULT_PHRASES, SITUATIONS
from kefu.org.models import Staff
from kefu.org.policy import policy_for
from kefu.org.roles import Role, roles_of

SECTION = "knowledge"


def _policy(center) -> dict:
    return policy_for(SECTION, center)


# ---------------------------------------------------------------- phrase rules and standard phrases


@transaction.atomic
def load_default_phrase_rules() -> int:
    """Create the seed rules that are missing; an administrator's edits are kept. Returns rows added."""
    have = set(PhraseRule.objects.values_list("code", flat=True))
    rows = [
        PhraseRule(
            code=d["code"],
            category=d["category"],
            phrase=d["phrase"],
            pattern=d["pattern"],
            unless=d.get("unless", ""),
            word=bool(d.get("word")),
            suggestion=d.get("suggestion", ""),
            seed_line=d.get("seed_line", ""),
        )
        for d in DEFAULT_RULES
        if d["code"] not in have
    ]
    PhraseRule.objects.bulk_create(rows)
    return len(rows)


@transaction.atomic
def load_default_phrases() -> int:
    have = set(StandardPhrase.objects.values_list("code", flat=True))
    rows = [
        StandardPhrase(
            code=d["code"],
            situation=d["situation"],
            title=d["title"],
            text=d["text"],
            seed_line=d.get("seed_line", ""),
            sort=i,
        )
        for i, d in enumerate(DEFAULT_PHRASES)
        if d["code"] not in have
    ]
    StandardPhrase.objects.bulk_create(rows)
    return len(rows)


_RULES_MEMO: dict = {}


def active_rules() -> tuple[phrases.Rule, ...]:
    """The enabled rules as compiled checker rules (defaults loaded on first use); memoised per table state."""
    if not PhraseRule.objects.exists():
        load_default_phrase_rules()
    stamp = tuple(
        PhraseRule.objects.filter(enabled=True).order_by("-updated_at").values_list("updated_at", flat=True)[:1]
    ) + (PhraseRule.objects.filter(enabled=True).count(),)
    if _RULES_MEMO.get("stamp") != stamp:
        _RULES_MEMO["rules"] = tuple(filter(None, (_checker_rule(r) for r in PhraseRule.objects.filter(enabled=True))))
        _RULES_MEMO["stamp"] = stamp
    return _RULES_MEMO["rules"]


def _checker_rule(row: PhraseRule) -> phrases.Rule | None:
    """The row as a checker rule. A row saved before patterns were checked for safety is never run: a seed
    rule falls back to its default pattern, an editor's own rule is left out until it is saved again."""
    data = {
        "code": row.code,
        "category": row.category,
        "phrase": row.phrase,
        "pattern": row.pattern,
        "unless": row.unless,
        "word": row.word,
        "suggestion": row.suggestion,
        "seed_line": row.seed_line,
    }
    if phrases.pattern_problem(row.pattern) or (row.unless and phrases.pattern_problem(row.unless)):
        default = _DEFAULTS_BY_CODE.get(row.code)
        if default is None:
            return None
        data.update(pattern=default["pattern"], unless=default.get("unless", ""))
    return phrases.rule_from(data)


_DEFAULTS_BY_CODE = {d["code"]: d for d in DEFAULT_RULES}


def check_text(text: str, center=None, staff=None) -> list[phrases.Hit]:
    """The center's enabled rules on `text`; with `staff`, their group's own additions as well (group_rules)."""
    wanted = set(_policy(center).get("check_categories", ["forbidden", "discouraged"]))
    rules = active_rules()
    if staff is not None:
        rules = rules + group_rules(staff)
    return [h for h in phrases.check(text or "", rules) if h.category in wanted]


def group_rules(staff) -> tuple[phrases.Rule, ...]:
    """The rules the providers of hook "knowledge.group_phrases" (kefu.registry; kefu.discipline provides the team
    lead's phrase standards, 004:L913) add for `staff`; a pattern that is not safe is never run. Without a staff
    member, or for one whose group added nothing, nothing changes."""
    return tuple(
        phrases.rule_from(data)
        for source in registry.providers("knowledge.group_phrases")
        for data in (source(staff) or ())
        if not phrases.pattern_problem(data["pattern"])
    )


@transaction.atomic
def save_phrase_rule(
    *,
    code: str,
    category: str,
    phrase: str,
    pattern: str,
    unless: str = "",
    word: bool = False,
    suggestion: str = "",
    seed_line: str = "",
    enabled: bool = True,
) -> PhraseRule:
    problems = []
    if category not in PhraseRule.Category.values:
        problems.append(Problem("category", "choice", "类别只能是 服务忌语(forbidden) 或 习惯用语(discouraged)"))
    if not phrase.strip():
        problems.append(Problem("phrase", "required", "用语原文必填"))
    # Editors' patterns run on every checked text: refuse what Python's re cannot bound (issue 12).
    for name, label, value in (("pattern", "匹配模式", pattern or ""), ("unless", "允许上下文", unless)):
        if name == "unless" and not value:
            continue
        problem = phrases.pattern_problem(value)
        if problem:
            problems.append(Problem(name, f"pattern_{problem[0]}", f"规则“{code}”的{label}（{name}）{problem[1]}"))
    if problems:
        raise RuleViolation.many(problems)
    rule, _ = PhraseRule.objects.update_or_create(
        code=code,
        defaults=dict(
            category=category,
            phrase=phrase.strip(),
            pattern=pattern,
            unless=unless,
            word=word,
            suggestion=suggestion,
            seed_line=seed_line,
            enabled=enabled,
        ),
    )
    return rule


@transaction.atomic
def save_standard_phrase(
    *, code: str, situation: str, title: str, text: str, seed_line: str = "", enabled: bool = True
) -> StandardPhrase:
    if situation not in SITUATIONS:
        raise RuleViolation(f"未知场景：{situation}", field="situation", rule="choice")
    if not text.strip() or not title.strip():
        raise RuleViolation("说明和用语模板必填", field="text", rule="required")
    hits = [h for h in phrases.check(text, active_rules())]
    if hits:
        raise RuleViolation(
            f"标准用语中不能含有{hits[0].category_label}“{hits[0].phrase}”，建议：{hits[0].suggestion}",
            field="text",
            rule="phrase_check",
        )
    row, _ = StandardPhrase.objects.update_or_create(
        code=code,
        defaults=dict(
            situation=situation, title=title.strip(), text=text.strip(), seed_line=seed_line, enabled=enabled
        ),
    )
    return row


@transaction.atomic
def save_synonym(term: str, expansions: list[str]) -> Synonym:
    term = (term or "").strip().lower()
    expansions = [e.strip() for e in expansions or [] if e and e.strip()]
    if not term:
        raise RuleViolation("来电说法必填", field="term", rule="required")
    if not expansions:
        raise RuleViolation("至少填写一个对应词", field="expansions", rule="required")
    row, _ = Synonym.objects.update_or_create(term=term, defaults={"expansions": expansions})
    return row


# ---------------------------------------------------------------- articles and versions


def _validate_content(title: str, body: str, valid_from: date | None, valid_to: date | None) -> list[Problem]:
    problems = []
    if not (title or "").strip():
        problems.append(Problem("title", "required", "标题必填"))
    elif len(title) > 200:
        problems.append(Problem("title", "max_length", "标题不能超过200个字符"))
    if not (body or "").strip():
        problems.append(Problem("body", "required", "正文（统一口径）必填"))
    if valid_from and valid_to and valid_to < valid_from:
        problems.append(Problem("valid_to", "date_order", "失效日期不能早于生效日期"))
    return problems


@transaction.atomic
def create_article(
    author: Staff,
    *,
    title: str,
    body: str,
    category: Category | None = None,
    tags: list[str] = (),
    source_doc: str = "",
    source_text: str = "",
    confirmed_by: str = "",
    valid_from: date | None = None,
    valid_to: date | None = None,
) -> ArticleVersion:
    problems = _validate_content(title, body, valid_from, valid_to)
    if problems:
        raise RuleViolation.many(problems)
    article = Article.objects.create(center=author.center, category=category, title=title.strip(), created_by=author)
    return ArticleVersion.objects.create(
        article=article,
        number=1,
        title=title.strip(),
        body=body.strip(),
        source_doc=source_doc,
        source_text=source_text,
        confirmed_by=confirmed_by,
        valid_from=valid_from,
        valid_to=valid_to,
        tag_names=_clean_tags(tags),
        author=author,
    )


def _clean_tags(tags) -> list[str]:
    return list(dict.fromkeys(t.strip() for t in tags or [] if t and t.strip()))[:20]


@transaction.atomic
def revise_article(
    author: Staff,
    article: Article,
    *,
    title: str,
    body: str,
    tags: list[str] = (),
    source_doc: str = "",
    source_text: str = "",
    confirmed_by: str = "",
    valid_from: date | None = None,
    valid_to: date | None = None,
    category: Category | None = None,
) -> ArticleVersion:
    """A new draft (or the open draft updated). A version under review cannot be changed."""
    article = Article.objects.select_for_update().get(pk=article.pk)
    if article.status == Article.Status.RETIRED:
        raise Conflict("已下架的知识不能修改", field="article", rule="retired")
    problems = _validate_content(title, body, valid_from, valid_to)
    if problems:
        raise RuleViolation.many(problems)
    latest = article.versions.order_by("-number").first()
    if latest and latest.status == ArticleVersion.Status.SUBMITTED:
        raise Conflict(f"第{latest.number}版正在审核中，审核完成前不能修改", field="article", rule="under_review")
    fields = dict(
        title=title.strip(),
        body=body.strip(),
        source_doc=source_doc,
        source_text=source_text,
        confirmed_by=confirmed_by,
        valid_from=valid_from,
        valid_to=valid_to,
        tag_names=_clean_tags(tags),
        author=author,
    )
    if category is not None:
        article.category = category
        article.save(update_fields=["category"])
    if latest and latest.status in (ArticleVersion.Status.DRAFT, ArticleVersion.Status.REJECTED):
        for k, v in fields.items():
            setattr(latest, k, v)
        latest.status = ArticleVersion.Status.DRAFT
        latest.save()
        return latest
    return ArticleVersion.objects.create(article=article, number=(latest.number + 1 if latest else 1), **fields)


@transaction.atomic
def submit_version(author: Staff, version: ArticleVersion) -> ArticleVersion:
    """Editor → team lead. The issuing department's confirmation is required where the policy says (002:L264);
    a unified wording must not contain a forbidden phrase (004:L1169)."""
    version = ArticleVersion.objects.select_for_update().select_related("article").get(pk=version.pk)
    if version.status not in (ArticleVersion.Status.DRAFT, ArticleVersion.Status.REJECTED):
        raise Conflict(
            f"第{version.number}版当前状态为“{version.get_status_display()}”，不能提交审核",
            field="status",
            rule="state",
        )
    policy = _policy(version.article.center)
    problems = []
    if policy.get("require_issuer_confirmation") and not version.confirmed_by.strip():
        problems.append(
            Problem("confirmed_by", "issuer_confirmation", "提交前须经下发文件部门确认统一口径，请填写确认人")
        )
    bad = [h for h in phrases.check(version.title + "\n" + version.body, active_rules()) if h.category == "forbidden"]
    if bad:
        problems.append(
            Problem("body", "forbidden_phrase", f"统一口径中含有服务忌语“{bad[0].phrase}”，建议：{bad[0].suggestion}")
        )
    if problems:
        raise RuleViolation.many(problems)
    version.status = ArticleVersion.Status.SUBMITTED
    version.submitted_at = timezone.now()
    version.save(update_fields=["status", "submitted_at"])
    article = version.article
    if article.status == Article.Status.DRAFT:
        article.status = Article.Status.PENDING
        article.save(update_fields=["status"])
    return version


def _reviewable(reviewer: Staff, version: ArticleVersion) -> ArticleVersion:
    version = ArticleVersion.objects.select_for_update().select_related("article").get(pk=version.pk)
    if Role.TEAM_LEAD not in roles_of(reviewer.user):
        raise NotAllowed("只有班长可以审核知识", rule="team_lead_approval")
    if version.status != ArticleVersion.Status.SUBMITTED:
        raise Conflict(
            f"第{version.number}版未提交审核（当前：{version.get_status_display()}）", field="status", rule="state"
        )
    if _policy(version.article.center).get("forbid_self_approval") and version.author_id == reviewer.pk:
        raise NotAllowed("不能审核自己采编的版本（由班长审核）", rule="self_approval")
    return version


@transaction.atomic
def approve_version(reviewer: Staff, version: ArticleVersion, note: str = "") -> ArticleVersion:
    """The team lead approves: the version is published, the previous one superseded, agents notified."""
    version = _reviewable(reviewer, version)
    now = timezone.now()
    article = Article.objects.select_for_update().get(pk=version.article_id)
    ArticleVersion.objects.filter(article=article, status=ArticleVersion.Status.APPROVED).update(
        status=ArticleVersion.Status.SUPERSEDED
    )
    version.status = ArticleVersion.Status.APPROVED
    version.reviewer = reviewer
    version.reviewed_at = now
    version.review_note = note[:300]
    version.save()
    article.title, article.body = version.title, version.body
    article.valid_from, article.valid_to = version.valid_from, version.valid_to
    article.status = Article.Status.PUBLISHED
    article.published_version = version
    article.published_at = now
    article.save()
    article.tags.set([Tag.objects.get_or_create(name=t)[0] for t in version.tag_names])
    index_article(article)
    _notify(article, version)
    return version


@transaction.atomic
def reject_version(reviewer: Staff, version: ArticleVersion, note: str) -> ArticleVersion:
    if not (note or "").strip():
        raise RuleViolation("退回须填写审核意见", field="note", rule="required")
    version = _reviewable(reviewer, version)
    version.status = ArticleVersion.Status.REJECTED
    version.reviewer = reviewer
    version.reviewed_at = timezone.now()
    version.review_note = note.strip()[:300]
    version.save()
    article = version.article
    if article.status == Article.Status.PENDING:
        article.status = Article.Status.DRAFT
        article.save(update_fields=["status"])
    return version


@transaction.atomic
def retire_article(staff: Staff, article: Article, reason: str) -> Article:
    """Take an entry down; the end time and reason are kept (002:L266)."""
    if not (reason or "").strip():
        raise RuleViolation("下架须填写原因", field="reason", rule="required")
    article = Article.objects.select_for_update().get(pk=article.pk)
    if article.status == Article.Status.RETIRED:
        raise Conflict("该知识已下架", field="status", rule="state")
    article.status = Article.Status.RETIRED
    article.retired_at = timezone.now()
    article.retired_by = staff
    article.retire_reason = reason.strip()[:200]
    if article.valid_to is None or article.valid_to > timezone.localdate():
        article.valid_to = timezone.localdate()
    article.save()
    unindex_article(article)
    return article


def _notify(article: Article, version: ArticleVersion) -> int:
    roles = _policy(article.center).get("notify_roles", [])
    recipients = Staff.objects.filter(center=article.center, is_active=True, user__groups__name__in=roles).distinct()
    verb = "更新" if version.number > 1 else "发布"
    rows = [
        Notification(
            recipient=s,
            article=article,
            version=version,
            message=f"知识库{verb}：《{version.title}》第{version.number}版，请及时学习。",
        )
        for s in recipients
    ]
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


@transaction.atomic
def mark_read(staff: Staff, notification: Notification) -> Notification:
    if notification.recipient_id != staff.pk:
        raise NotAllowed("只能确认发给自己的通知", rule="own_notification")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


@transaction.atomic
def save_key_account(
    editor: Staff,
    *,
    kind: str,
    name: str,
    account_no: str = "",
    service_note: str = "",
    customer=None,
    manager: Staff | None = None,
    is_active: bool = True,
) -> KeyAccount:
    """The editor keeps the important/group/business customer lists current (004:L961)."""
    if kind not in KeyAccount.Kind.values:
        raise RuleViolation(
            "类别只能是 重要客户(vip)、集团客户(group)、商业大客户(business)", field="kind", rule="choice"
        )
    if not (name or "").strip():
        raise RuleViolation("单位/客户名称必填", field="name", rule="required")
    row, _ = KeyAccount.objects.update_or_create(
        center=editor.center,
        kind=kind,
        name=name.strip(),
        defaults=dict(
            account_no=account_no,
            service_note=service_note,
            customer=customer,
            manager=manager,
            is_active=is_active,
            updated_by=editor,
        ),
    )
    return row


# ---------------------------------------------------------------- search index


def _tags_of(article: Article) -> list[str]:
    if article.published_version_id and article.published_version.tag_names:
        return article.published_version.tag_names
    return [t.name for t in article.tags.all()]


@transaction.atomic
def unindex_article(article: Article) -> None:
    doc = IndexedDoc.objects.filter(article=article).first()
    if doc is None:
        return
    terms = list(Posting.objects.filter(article=article).values_list("term", flat=True))
    TermStat.objects.filter(term__in=terms).update(df=F("df") - 1)
    Posting.objects.filter(article=article).delete()
    IndexMeta.objects.filter(key="kb").update(n_docs=F("n_docs") - 1, total_len=F("total_len") - doc.length)
    doc.delete()


@transaction.atomic
def index_article(article: Article) -> None:
    """(Re)index one published article: postings, document frequencies and the length statistics."""
    unindex_article(article)
    if article.status != Article.Status.PUBLISHED:
        return
    terms = search.doc_terms(article.title, article.body, _tags_of(article))
    length = search.doc_length(terms)
    IndexedDoc.objects.create(article=article, length=length, valid_to=article.valid_to)
    Posting.objects.bulk_create([Posting(term=t, article=article, tf=tf, doc_len=length) for t, tf in terms.items()])
    existing = set(TermStat.objects.filter(term__in=list(terms)).values_list("term", flat=True))
    TermStat.objects.filter(term__in=existing).update(df=F("df") + 1)
    TermStat.objects.bulk_create([TermStat(term=t, df=1) for t in terms if t not in existing], ignore_conflicts=True)
    meta, _ = IndexMeta.objects.get_or_create(key="kb")
    IndexMeta.objects.filter(key="kb").update(n_docs=F("n_docs") + 1, total_len=F("total_len") + length)


@transaction.atomic
def rebuild_index(batch: int = 2000) -> int:
    """Rebuild the whole index from the published articles (after an import or a bulk load)."""
    Posting.objects.all().delete()
    TermStat.objects.all().delete()
    IndexedDoc.objects.all().delete()
    df: dict[str, int] = {}
    n = total = 0
    postings: list[tuple[str, int, float, int]] = []
    docs: list[IndexedDoc] = []
    qs = (
        Article.objects.filter(status=Article.Status.PUBLISHED)
        .select_related("published_version")
        .prefetch_related("tags")
    )
    for article in qs.iterator(chunk_size=batch):
        terms = search.doc_terms(article.title, article.body, _tags_of(article))
        length = search.doc_length(terms)
        docs.append(IndexedDoc(article=article, length=length, valid_to=article.valid_to))
        postings.extend((t, article.pk, tf, length) for t, tf in terms.items())
        for t in terms:
            df[t] = df.get(t, 0) + 1
        n += 1
        total += length
        if len(postings) > 20000:
            IndexedDoc.objects.bulk_create(docs)
            Posting.objects.load(postings)
            docs, postings = [], []
    IndexedDoc.objects.bulk_create(docs)
    Posting.objects.load(postings)
    TermStat.objects.bulk_create([TermStat(term=t, df=c) for t, c in df.items()], batch_size=5000)
    IndexMeta.objects.update_or_create(key="kb", defaults={"n_docs": n, "total_len": total})
    return n
