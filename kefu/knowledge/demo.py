"""Demo knowledge: the seed articles (12345 quiz facts, FAQ answers, service standards, shop policies)
published through the real workflow (editor1 drafts, teamlead1 approves), one version waiting for review,
one returned, synonyms, standard phrases, phrase rules and key accounts. Idempotent."""

from __future__ import annotations

from kefu.knowledge import kb_seed, services
from kefu.knowledge.models import Article, ArticleVersion, Category, KeyAccount, Synonym
from kefu.org.models import Staff

PENDING = (
    "渠河水质检测结果的发布口径",
    "市环保局通报：渠河水质检测结果每月10日在政府网站公布，来电咨询可告知查询途径；污染举报仍交办环保局。",
)
REJECTED = ("公交线路临时调整", "因道路施工，公交线路临时调整，具体以交运局公告为准。")


def build(center, rng, out) -> None:
    editor = Staff.objects.filter(center=center, user__username="editor1").first()
    lead = Staff.objects.filter(center=center, user__username="teamlead1").first()
    if editor is None or lead is None:
        out.write("  知识库：缺少 editor1/teamlead1，跳过")
        return
    services.load_default_phrase_rules()
    services.load_default_phrases()
    cats = {
        code: Category.objects.get_or_create(center=center, code=code, defaults={"name": name})[0]
        for code, name in kb_seed.CATEGORIES
    }
    for term, expansions in kb_seed.SYNONYMS.items():
        if not Synonym.objects.filter(term=term).exists():
            services.save_synonym(term, expansions)
    have = set(Article.objects.filter(center=center).values_list("title", flat=True))
    added = 0
    for _key, cat, title, body, tags, seed in kb_seed.ARTICLES:
        if title in have:
            continue
        v = services.create_article(
            editor,
            title=title,
            body=body,
            tags=tags,
            category=cats[cat],
            source_doc=f"种子资料 {seed}",
            confirmed_by="下发部门联络员",
        )
        services.submit_version(editor, v)
        services.approve_version(lead, v, "同意发布")
        added += 1
    if PENDING[0] not in have:
        v = services.create_article(
            editor,
            title=PENDING[0],
            body=PENDING[1],
            tags=["环保", "水质"],
            category=cats["routing"],
            source_doc="环保局通知单 2026-05",
            confirmed_by="环保局 联络员",
        )
        services.submit_version(editor, v)
    if REJECTED[0] not in have:
        v = services.create_article(
            editor,
            title=REJECTED[0],
            body=REJECTED[1],
            tags=["公交"],
            category=cats["routing"],
            confirmed_by="交运局 联络员",
        )
        services.submit_version(editor, v)
        services.reject_version(lead, v, "请写明调整的线路和起止日期（002:L266）")
    for kind, name, note in [
        ("group", "遂宁市第一人民医院", "集团专线，故障优先派单"),
        ("business", "川中油气田物资公司", "商业大客户，账单问题转客户经理"),
        ("vip", "市政务服务中心", "重要客户，投诉按VIP流程处理"),
    ]:
        if not KeyAccount.objects.filter(center=center, kind=kind, name=name).exists():
            services.save_key_account(editor, kind=kind, name=name, service_note=note)
    out.write(
        f"  知识库：{Article.objects.filter(center=center, status='published').count()} 条已发布（本次新增 {added}），"
        f"{ArticleVersion.objects.filter(article__center=center, status='submitted').count()} 条待审核"
    )
