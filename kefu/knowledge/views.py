"""Pages: search in the agent workspace, the standard-phrase picker, the phrase checker, the editor and
the team lead's review queue. Views parse input and call services/selectors; nothing else writes."""

from __future__ import annotations

import re

from django.contrib import messages
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_POST

from kefu.access import allowed, require
from kefu.errors import RuleViolation
from kefu.knowledge import selectors, services
from kefu.knowledge.api import render_phrase_for, run_search
from kefu.knowledge.models import Article, ArticleVersion, Category, Notification, StandardPhrase
from kefu.knowledge.phrases import highlight
from kefu.knowledge.standard_phrases import LABELS, SITUATIONS, TITLES, farewell, greeting, placeholders
from kefu.org.models import Staff
from kefu.web.inputs import parse_day


def _staff(request) -> Staff:
    return get_object_or_404(Staff, user=request.user)


def _center(request):
    staff = getattr(request.user, "staff", None)
    return staff.center if staff else None


# standard_phrases.py is pure (no Django): its situation, placeholder and title words are marked here.
(
    gettext_noop("问候/欢迎"),
    gettext_noop("等候"),
    gettext_noop("致歉/安抚"),
    gettext_noop("婉拒（说明理由）"),
    gettext_noop("结束语"),
)
gettext_noop("转主管"), gettext_noop("投诉处理"), gettext_noop("回访"), gettext_noop("特殊情况")
(
    gettext_noop("客户姓氏"),
    gettext_noop("称谓"),
    gettext_noop("工号"),
    gettext_noop("中心/店铺名称"),
    gettext_noop("答复时限（小时）"),
)
gettext_noop("金额"), gettext_noop("上司姓氏"), gettext_noop("理由/条件"), gettext_noop("节日（如：周末、国庆节）")
gettext_noop("先生"), gettext_noop("小姐"), gettext_noop("女士")

# The services' fixed messages reachable from these pages, marked so that they read in the user's language;
# a message built with values (an f-string in services.py) stays Chinese.
SERVICE_MESSAGES = (
    gettext_noop("标题必填"),
    gettext_noop("标题不能超过200个字符"),
    gettext_noop("正文（统一口径）必填"),
    gettext_noop("失效日期不能早于生效日期"),
    gettext_noop("已下架的知识不能修改"),
    gettext_noop("提交前须经下发文件部门确认统一口径，请填写确认人"),
    gettext_noop("只有班长可以审核知识"),
    gettext_noop("不能审核自己采编的版本（由班长审核）"),
    gettext_noop("退回须填写审核意见"),
    gettext_noop("下架须填写原因"),
    gettext_noop("该知识已下架"),
    gettext_noop("只能确认发给自己的通知"),
    gettext_noop("无权执行此操作"),
)


def _text(exc: RuleViolation) -> str:
    return _("；").join(_(p.message) for p in exc.problems)


# Notifications store their Chinese text (services._notify); a stored text of that shape is shown in the
# user's language, anything else as stored.
_NOTIFICATION = re.compile(r"^知识库(?P<verb>更新|发布)：《(?P<title>.*)》第(?P<number>\d+)版，请及时学习。$", re.S)


def notification_text(message: str) -> str:
    m = _NOTIFICATION.match(message)
    if not m:
        return message
    if m.group("verb") == "更新":
        return _("知识库更新：《%(title)s》第%(number)s版，请及时学习。") % m.groupdict()
    return _("知识库发布：《%(title)s》第%(number)s版，请及时学习。") % m.groupdict()


# ---------------------------------------------------------------- search (agent workspace)


@require("page.knowledge.search")
def search_page(request):
    q = request.GET.get("q", "")
    staff = getattr(request.user, "staff", None)
    unread = (
        list(Notification.objects.filter(recipient=staff, read_at__isnull=True).select_related("article")[:20])
        if staff
        else []
    )
    for n in unread:
        n.message_shown = notification_text(n.message)
    return render(
        request,
        "knowledge/search.html",
        {"q": q, "result": run_search(request, q) if q.strip() else None, "unread": unread},
    )


@require("page.knowledge.search")
def search_results(request):
    q = request.GET.get("q", "")
    return render(request, "knowledge/_results.html", {"q": q, "result": run_search(request, q) if q.strip() else None})


@require("page.knowledge.search")
def article_page(request, article_id: int):
    article = get_object_or_404(
        selectors.visible_articles(request.user).select_related("category", "published_version"), pk=article_id
    )
    versions = (
        list(article.versions.select_related("author", "reviewer"))
        if allowed(request.user, "knowledge.list_articles")
        else []
    )
    return render(
        request,
        "knowledge/article.html",
        {"article": article, "versions": versions, "tags": [t.name for t in article.tags.all()]},
    )


@require("page.knowledge.search")
@require_POST
def notification_read(request, notification_id: int):
    n = get_object_or_404(Notification, pk=notification_id)
    try:
        services.mark_read(_staff(request), n)
    except RuleViolation as exc:
        messages.error(request, _text(exc))
    return redirect("knowledge:article", article_id=n.article_id)


# ---------------------------------------------------------------- standard phrases


def _phrase_groups(situation: str | None):
    if not StandardPhrase.objects.exists():
        services.load_default_phrases()
    qs = StandardPhrase.objects.filter(enabled=True)
    if situation:
        qs = qs.filter(situation=situation)
    groups: dict[str, list] = {}
    for p in qs:
        p.fields = [
            (n, _(LABELS[n]) if n in LABELS else n) for n in placeholders(p.text) if n not in ("staff_no", "center")
        ]
        groups.setdefault(p.situation, []).append(p)
    return [(code, _(SITUATIONS[code]), groups[code]) for code in SITUATIONS if code in groups]


def _titles() -> list[tuple[str, str]]:
    """(value, shown): the title goes into the Chinese phrase as is; the option reads in the user's language."""
    return [(t, _(t)) for t in TITLES]


@require("page.knowledge.phrases")
def phrases_page(request):
    from django.utils import timezone

    now = timezone.localtime()
    openers = [greeting(now), greeting(now, vip=True), farewell(weekend=now.weekday() >= 5)]  # 004:L1085-1093
    return render(
        request,
        "knowledge/phrases.html",
        {
            "groups": _phrase_groups(request.GET.get("situation")),
            "situations": {k: _(v) for k, v in SITUATIONS.items()},
            "titles": _titles(),
            "openers": openers,
            "target": "#reply",
        },
    )


@require("page.knowledge.phrases")
def phrase_picker(request):
    """HTMX partial: the picker; `target` is the CSS selector of the reply box to insert into."""
    return render(
        request,
        "knowledge/_picker.html",
        {
            "groups": _phrase_groups(request.GET.get("situation")),
            "titles": _titles(),
            "target": request.GET.get("target", "#reply"),
        },
    )


@require("page.knowledge.phrases")
@require_POST
def phrase_render(request):
    values = {k[2:]: v for k, v in request.POST.items() if k.startswith("v_")}
    try:
        text = render_phrase_for(request, request.POST.get("code", ""), values)
        error = ""
    except RuleViolation as exc:
        text, error = "", _text(exc)
    return render(
        request,
        "knowledge/_rendered.html",
        {"text": text, "error": error, "target": request.POST.get("target", "#reply")},
    )


# ---------------------------------------------------------------- phrase checker


@require("page.knowledge.checker")
def checker_page(request):
    return render(request, "knowledge/checker.html", {"text": request.GET.get("text", "")})


@require("page.knowledge.checker")
def check_partial(request):
    """HTMX partial /knowledge/check?text=…: the text with hits highlighted and the professional wording."""
    text = request.GET.get("text", "")
    if len(text) > 20000:
        return HttpResponseBadRequest(_("检查文本不能超过20000个字符"))
    hits = services.check_text(text, _center(request), getattr(request.user, "staff", None))
    return render(request, "knowledge/_check.html", {"text": text, "hits": hits, "pieces": highlight(text, hits)})


# ---------------------------------------------------------------- editor and review


@require("page.knowledge.editor")
def editor_page(request):
    center = _center(request)
    articles = Article.objects.filter(center=center).select_related("category").prefetch_related("versions")[:300]
    return render(
        request,
        "knowledge/editor.html",
        {
            "articles": articles,
            "expiring": selectors.expiring(center),
            "can_edit": allowed(request.user, "knowledge.create_article"),
        },
    )


def _date(value: str, field: str):
    return parse_day(value, _("生效日期") if field == "valid_from" else _("失效日期"), field=field)


@require("page.knowledge.editor")
def editor_form(request, article_id: int | None = None):
    article = get_object_or_404(Article, pk=article_id) if article_id else None
    latest = article.versions.order_by("-number").first() if article else None
    can_edit = allowed(request.user, "knowledge.create_article")
    errors = {}
    data = {}
    if request.method == "POST":
        if not can_edit:
            return render(request, "403.html", status=403)
        data = request.POST
        try:
            fields = dict(
                title=data.get("title", ""),
                body=data.get("body", ""),
                source_doc=data.get("source_doc", ""),
                source_text=data.get("source_text", ""),
                confirmed_by=data.get("confirmed_by", ""),
                tags=[t for t in data.get("tags", "").replace("，", ",").split(",")],
                valid_from=_date(data.get("valid_from", ""), "valid_from"),
                valid_to=_date(data.get("valid_to", ""), "valid_to"),
                category=Category.objects.filter(pk=data.get("category") or 0).first(),
            )
            if article is None:
                version = services.create_article(_staff(request), **fields)
            else:
                version = services.revise_article(_staff(request), article, **fields)
            if data.get("submit"):
                services.submit_version(_staff(request), version)
                messages.success(request, _("第%(number)s版已提交班长审核") % {"number": version.number})
            else:
                messages.success(request, _("第%(number)s版草稿已保存") % {"number": version.number})
            return redirect("knowledge:editor_edit", article_id=version.article_id)
        except RuleViolation as exc:
            errors = {p.field or "general": _(p.message) for p in exc.problems}
    elif latest:
        data = {
            "title": latest.title,
            "body": latest.body,
            "source_doc": latest.source_doc,
            "source_text": latest.source_text,
            "confirmed_by": latest.confirmed_by,
            "tags": ",".join(latest.tag_names),
            "valid_from": latest.valid_from.isoformat() if latest.valid_from else "",
            "valid_to": latest.valid_to.isoformat() if latest.valid_to else "",
            "category": str(article.category_id or ""),
        }
    categories = Category.objects.filter(center=_center(request))
    versions = list(article.versions.select_related("author", "reviewer")) if article else []
    return render(
        request,
        "knowledge/editor_form.html",
        {
            "article": article,
            "latest": latest,
            "data": data,
            "errors": errors,
            "categories": categories,
            "versions": versions,
            "can_edit": can_edit,
        },
        status=400 if errors else 200,
    )


@require("page.knowledge.editor")
@require_POST
def submit_page(request, version_id: int):
    version = get_object_or_404(ArticleVersion, pk=version_id)
    if not allowed(request.user, "knowledge.submit_version"):
        return render(request, "403.html", status=403)
    try:
        services.submit_version(_staff(request), version)
        messages.success(request, _("第%(number)s版已提交班长审核") % {"number": version.number})
    except RuleViolation as exc:
        messages.error(request, _text(exc))
    return redirect("knowledge:editor_edit", article_id=version.article_id)


@require("page.knowledge.editor")
@require_POST
def retire_page(request, article_id: int):
    article = get_object_or_404(Article, pk=article_id)
    if not allowed(request.user, "knowledge.retire_article"):
        return render(request, "403.html", status=403)
    try:
        services.retire_article(_staff(request), article, request.POST.get("reason", ""))
        messages.success(request, _("已下架"))
    except RuleViolation as exc:
        messages.error(request, _text(exc))
    return redirect("knowledge:editor_edit", article_id=article_id)


@require("page.knowledge.review")
def review_page(request):
    pending = (
        ArticleVersion.objects.filter(status=ArticleVersion.Status.SUBMITTED, article__center=_center(request))
        .select_related("article", "author", "article__published_version")
        .order_by("submitted_at")
    )
    return render(request, "knowledge/review.html", {"pending": pending})


@require("page.knowledge.review")
@require_POST
def review_decide(request, version_id: int):
    version = get_object_or_404(ArticleVersion, pk=version_id)
    note = request.POST.get("note", "")
    try:
        if request.POST.get("decision") == "approve":
            services.approve_version(_staff(request), version, note)
            messages.success(
                request,
                _("《%(title)s》第%(number)s版已批准发布，已通知座席")
                % {"title": version.title, "number": version.number},
            )
        else:
            services.reject_version(_staff(request), version, note)
            messages.success(
                request,
                _("《%(title)s》第%(number)s版已退回采编员") % {"title": version.title, "number": version.number},
            )
    except RuleViolation as exc:
        messages.error(request, _text(exc))
    return redirect("knowledge:review")
