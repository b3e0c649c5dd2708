"""Knowledge base (知识库), standard phrases (标准用语), phrase rules (习惯用语/服务忌语),
key-account lists (重要客户库) and the search index tables.

Workflow (004:L955-963, 002:L262-266): the editor (采编员) drafts a version, the team lead (班长)
approves it before it is published (004:L959); publishing notifies the agents concerned (004:L957);
every addition and removal keeps its start and end time and the original text (002:L266).
"""

from collections.abc import Sequence

from django.db import connections, models
from django.utils.translation import gettext_lazy as _


class Category(models.Model):
    center = models.ForeignKey(
        "org.Center", on_delete=models.CASCADE, related_name="kb_categories", verbose_name="中心"
    )
    code = models.SlugField("代码", max_length=40)
    name = models.CharField("名称", max_length=60)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children", verbose_name="上级分类"
    )

    class Meta:
        verbose_name = verbose_name_plural = "知识分类"
        constraints = [models.UniqueConstraint(fields=["center", "code"], name="kb_category_code_unique")]

    def __str__(self) -> str:
        return self.name


class Tag(models.Model):
    name = models.CharField("标签", max_length=40, unique=True)

    class Meta:
        verbose_name = verbose_name_plural = "标签"

    def __str__(self) -> str:
        return self.name


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PENDING = "pending", _("待审核")
        PUBLISHED = "published", _("已发布")
        RETIRED = "retired", _("已下架")

    center = models.ForeignKey("org.Center", on_delete=models.CASCADE, related_name="kb_articles", verbose_name="中心")
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles", verbose_name="分类"
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="articles", verbose_name="标签")
    title = models.CharField("标题", max_length=200)  # title of the published version (search, lists)
    body = models.TextField("正文", blank=True)  # body of the published version
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True)
    published_version = models.ForeignKey(
        "ArticleVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="发布版本"
    )
    valid_from = models.DateField("生效日期", null=True, blank=True)
    valid_to = models.DateField("失效日期", null=True, blank=True, db_index=True)  # expiry (002:L266 起止时间)
    created_by = models.ForeignKey(
        "org.Staff", null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="创建人"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    retired_at = models.DateTimeField("下架时间", null=True, blank=True)
    retired_by = models.ForeignKey(
        "org.Staff", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="下架人"
    )
    retire_reason = models.CharField("下架原因", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "知识条目"
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.title


class ArticleVersion(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("待审核")
        APPROVED = "approved", _("已批准发布")
        REJECTED = "rejected", _("已退回")
        SUPERSEDED = "superseded", _("已被取代")

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="versions", verbose_name="知识条目")
    number = models.PositiveIntegerField("版本号")
    title = models.CharField("标题", max_length=200)
    body = models.TextField("正文（统一口径）")
    source_doc = models.CharField("来源文件/通知单", max_length=200, blank=True)  # 业务通知单 (002:L262)
    source_text = models.TextField("信息原件", blank=True)  # keep the original (002:L266)
    confirmed_by = models.CharField("下发部门确认人", max_length=100, blank=True)  # 下发文件部门确认 (002:L264)
    valid_from = models.DateField("生效日期", null=True, blank=True)
    valid_to = models.DateField("失效日期", null=True, blank=True)
    tag_names = models.JSONField("标签", default=list, blank=True)
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.DRAFT)
    author = models.ForeignKey(
        "org.Staff", null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="采编员"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    reviewer = models.ForeignKey(
        "org.Staff", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="审核人"
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    review_note = models.CharField("审核意见", max_length=300, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "知识版本"
        ordering = ["article_id", "number"]
        constraints = [models.UniqueConstraint(fields=["article", "number"], name="kb_version_number_unique")]

    def __str__(self) -> str:
        return f"{self.article_id} v{self.number}"


class Notification(models.Model):
    """A notice to an agent that knowledge changed (004:L957 及时通知); read = acknowledged."""

    recipient = models.ForeignKey(
        "org.Staff", on_delete=models.CASCADE, related_name="kb_notifications", verbose_name="接收人"
    )
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="notifications", verbose_name="知识条目"
    )
    version = models.ForeignKey(
        ArticleVersion, on_delete=models.CASCADE, related_name="notifications", verbose_name="版本"
    )
    message = models.CharField("内容", max_length=300)
    created_at = models.DateTimeField("通知时间", auto_now_add=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "知识更新通知"
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(fields=["recipient", "version"], name="kb_notification_once")]


class KeyAccount(models.Model):
    """Important / group / business key accounts kept current by the editor (004:L961)."""

    class Kind(models.TextChoices):
        VIP = "vip", _("重要客户")
        GROUP = "group", _("集团客户")
        BUSINESS = "business", _("商业大客户")

    center = models.ForeignKey("org.Center", on_delete=models.CASCADE, related_name="key_accounts", verbose_name="中心")
    kind = models.CharField("类别", max_length=20, choices=Kind.choices)
    name = models.CharField("单位/客户名称", max_length=200)
    account_no = models.CharField("客户编号", max_length=60, blank=True)
    customer = models.ForeignKey(
        "customers.Customer", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="联系人"
    )
    manager = models.ForeignKey(
        "org.Staff", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="客户经理"
    )
    service_note = models.CharField("服务要求", max_length=300, blank=True)
    is_active = models.BooleanField("有效", default=True)
    updated_by = models.ForeignKey(
        "org.Staff", null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="更新人"
    )
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "重要客户库"
        constraints = [models.UniqueConstraint(fields=["center", "kind", "name"], name="key_account_unique")]


class PhraseRule(models.Model):
    """One discouraged/forbidden expression; defaults come from phrase_data.DEFAULT_RULES."""

    class Category(models.TextChoices):
        FORBIDDEN = "forbidden", _("服务忌语")
        DISCOURAGED = "discouraged", _("习惯用语")

    code = models.SlugField("代码", max_length=40, unique=True)
    category = models.CharField("类别", max_length=20, choices=Category.choices)
    phrase = models.CharField("用语（原文）", max_length=200)
    pattern = models.CharField("匹配模式（正则）", max_length=500)
    unless = models.CharField("允许的上下文（正则）", max_length=300, blank=True)
    word = models.BooleanField("须在词边界", default=False)
    suggestion = models.CharField("专业表达", max_length=300, blank=True)
    seed_line = models.CharField("出处", max_length=60, blank=True)
    enabled = models.BooleanField("启用", default=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "用语检查规则"
        ordering = ["category", "code"]


class StandardPhrase(models.Model):
    """A standard phrase (标准用语) by situation, with placeholders such as {surname}先生/小姐, {staff_no}."""

    code = models.SlugField("代码", max_length=60, unique=True)
    situation = models.CharField("场景", max_length=30, db_index=True)
    title = models.CharField("说明", max_length=100)
    text = models.TextField("用语模板")
    seed_line = models.CharField("出处", max_length=60, blank=True)
    enabled = models.BooleanField("启用", default=True)
    sort = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "标准用语"
        ordering = ["sort", "id"]


class Synonym(models.Model):
    """Caller wording → knowledge wording, used to expand search queries (e.g. 低保 → 最低生活保障)."""

    term = models.CharField("来电说法", max_length=40, unique=True)
    expansions = models.JSONField("对应词", default=list)

    class Meta:
        verbose_name = verbose_name_plural = "检索同义词"


class IndexedDoc(models.Model):
    """An article in the search index, with its length in terms (BM25)."""

    article = models.OneToOneField(Article, on_delete=models.CASCADE, related_name="index_doc", primary_key=True)
    length = models.PositiveIntegerField("词数")
    valid_to = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "索引文档"


class PostingManager(models.Manager):
    def load(self, rows: Sequence[tuple[str, int, float, int]], batch: int = 5000) -> int:
        """Insert (term, article id, tf, doc length) rows as they are, without model instances: a rebuild
        writes ~170 postings per article and the ORM's per-object cost was most of its time."""
        connection = connections[self.db]
        table = connection.ops.quote_name(self.model._meta.db_table)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":  # COPY: 2.5 times quicker than batched INSERTs here
                with cursor.copy(f"COPY {table} (term, article_id, tf, doc_len) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                return len(rows)
            sql = f"INSERT INTO {table} (term, article_id, tf, doc_len) VALUES (%s, %s, %s, %s)"
            for start in range(0, len(rows), batch):
                cursor.executemany(sql, rows[start : start + batch])
        return len(rows)


class Posting(models.Model):
    """term → article with its weighted term frequency (title terms count more).

    One index only, covering the query's columns: a unique (term, article) index beside it doubled the
    cost of loading the ~170 postings per article the n-grams bring. index_article deletes an article's
    postings before writing them and doc_terms yields each term once, so no pair repeats.
    """

    term = models.CharField(max_length=40)
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    tf = models.FloatField()
    doc_len = models.PositiveIntegerField()

    objects = PostingManager()

    class Meta:
        verbose_name = verbose_name_plural = "倒排索引"
        # Covering: a query's postings are read from the index alone (the n-gram terms tripled their number).
        indexes = [models.Index(fields=["term", "article", "tf", "doc_len"], name="kb_posting_cover")]


class TermStat(models.Model):
    term = models.CharField(max_length=40, primary_key=True)
    df = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = verbose_name_plural = "词项统计"


class IndexMeta(models.Model):
    """One row: how many documents are indexed and their total length (for the BM25 average)."""

    key = models.CharField(max_length=20, primary_key=True, default="kb")
    n_docs = models.PositiveIntegerField(default=0)
    total_len = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = verbose_name_plural = "索引统计"
