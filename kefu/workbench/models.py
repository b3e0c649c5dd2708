"""The workbench's own records: the words index of orders, phrase warnings saved anyway, saved searches."""

from django.db import models


class OrderWords(models.Model):
    """The index terms of one order's subject and description in their places (kefu/workbench/words.py), with the
    order's filter keys and sort key, so that a words search with filters is found, counted and paged newest first on
    this narrow table alone. Searched through SQLite FTS5 (an external-content table over words and meta, its rowid
    the sort key, kept by triggers) or a PostgreSQL GIN index on the terms and keys as an array (migration 0004).
    The center, meta and sort key follow every write of the order, a bulk update() or raw SQL included, through
    triggers on tickets_order (kefu/workbench/triggers.py)."""

    order = models.OneToOneField(
        "tickets.Order", primary_key=True, on_delete=models.CASCADE, related_name="+", verbose_name="工单"
    )
    words = models.TextField("检索词")
    center = models.ForeignKey(
        "org.Center", null=True, on_delete=models.CASCADE, related_name="+", db_index=False, verbose_name="中心"
    )
    # Acceptance second and order id in one integer, newest largest (words.sort_key): the order of the results.
    sort_key = models.BigIntegerField("排序键", null=True, unique=True)
    # The order's filter keys as terms (words.meta): center, kind, state, level, department, overdue, its staff.
    meta = models.TextField("筛选键", default="")
    text = models.TextField("检索文本", default="")  # words.folded: the check of a word the index cannot answer alone

    class Meta:
        verbose_name = verbose_name_plural = "工单检索词"
        indexes = [models.Index(fields=["center", "sort_key"], name="workbench_words_center_key")]


class PhraseOverride(models.Model):
    """An agent saved a reply or note although the phrase check flagged it: kept for QA (issue 17)."""

    center = models.ForeignKey("org.Center", on_delete=models.CASCADE, related_name="+", verbose_name="中心")
    staff = models.ForeignKey("org.Staff", on_delete=models.PROTECT, related_name="+", verbose_name="座席")
    order = models.ForeignKey(
        "tickets.Order", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="工单"
    )
    at = models.DateTimeField("时间", db_index=True)
    field = models.CharField("栏目", max_length=30)
    text = models.TextField("原文")
    hits = models.JSONField("命中用语", default=list)  # [{"phrase", "category", "suggestion", "code", "start", "end"}]
    channel = models.CharField("来源", max_length=10, default="page")  # page | api

    class Meta:
        verbose_name = verbose_name_plural = "用语提示后仍保存"
        ordering = ["-at", "-id"]


class SavedView(models.Model):
    """A person's saved order search: a name and the query string of the search page."""

    staff = models.ForeignKey("org.Staff", on_delete=models.CASCADE, related_name="+", verbose_name="员工")
    name = models.CharField("名称", max_length=40)
    query = models.CharField("查询条件", max_length=500)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "保存的查询"
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["staff", "name"], name="workbench_view_name_once")]


class Comment(models.Model):
    """An internal comment on a work order (备注/内部讨论): staff only, never shown to the customer. Staff named with
    @工号 or @姓名 are notified (kefu.notify)."""

    center = models.ForeignKey("org.Center", on_delete=models.CASCADE, related_name="+", verbose_name="中心")
    order = models.ForeignKey("tickets.Order", on_delete=models.CASCADE, related_name="+", verbose_name="工单")
    author = models.ForeignKey("org.Staff", on_delete=models.PROTECT, related_name="+", verbose_name="作者")
    at = models.DateTimeField("时间")
    text = models.TextField("内容")
    mentioned = models.ManyToManyField("org.Staff", blank=True, related_name="+", verbose_name="提到的员工")

    class Meta:
        verbose_name = verbose_name_plural = "工单内部备注"
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["order", "at"])]


class Attachment(models.Model):
    """A file on a work order (a letter or fax scan, 004:L2023; a call recording, 004:L967, L2021), uploaded and kept
    encrypted in the database, or a recording linked on the center's recording server. It goes with its order
    (retention deletes the order, and the attachment with it). Every download or play leaves a read record."""

    class Kind(models.TextChoices):
        FILE = "file", "上传文件"
        LINK = "link", "录音链接"

    center = models.ForeignKey("org.Center", on_delete=models.CASCADE, related_name="+", verbose_name="中心")
    order = models.ForeignKey("tickets.Order", on_delete=models.CASCADE, related_name="+", verbose_name="工单")
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    added_by = models.ForeignKey("org.Staff", on_delete=models.PROTECT, related_name="+", verbose_name="添加人")
    at = models.DateTimeField("时间")
    name = models.CharField("文件名", max_length=200)
    content_type = models.CharField("文件类型", max_length=100)
    size = models.PositiveIntegerField("大小（字节）", default=0)
    content = models.BinaryField("内容（加密）", blank=True, default=b"", editable=False)
    url = models.CharField("链接地址", max_length=500, blank=True)
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "工单附件"
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["order", "at"])]

    @property
    def is_audio(self) -> bool:
        return self.kind == self.Kind.LINK or self.content_type.startswith("audio/")
