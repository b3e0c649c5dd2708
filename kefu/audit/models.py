"""Audit records: every read of customer data, every unmask, export and destruction (004:L2045)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditRecord(models.Model):
    class Action(models.TextChoices):
        READ = "read", _("查询")
        UNMASK = "unmask", _("显示完整信息")
        EXPORT = "export", _("导出")
        WRITE = "write", _("修改")
        DESTROY = "destroy", _("销毁")
        LOGIN = "login", _("登录")

    class Channel(models.TextChoices):
        PAGE = "page", _("页面")
        API = "api", _("接口")
        ADMIN = "admin", _("后台配置")
        EXPORT = "export", _("导出")
        CLI = "cli", _("命令行")
        SYSTEM = "system", _("系统任务")

    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    # The center of the one acting (their staff record): an auditor reads only their own center's records. Empty for
    # what no center's staff did (a failed login, a superuser without a staff record, a system task).
    center = models.ForeignKey(
        "org.Center", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="中心"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="操作人",
    )
    staff_no = models.CharField("工号", max_length=20, blank=True, db_index=True)
    action = models.CharField("动作", max_length=10, choices=Action.choices, db_index=True)
    channel = models.CharField("途径", max_length=10, choices=Channel.choices)
    object_type = models.CharField("对象类型", max_length=40, db_index=True)
    object_ids = models.TextField("对象编号", blank=True)  # comma-separated: one record per list read
    fields = models.CharField("字段", max_length=200, blank=True)
    path = models.CharField("地址", max_length=300, blank=True)
    ip = models.GenericIPAddressField("来源IP", null=True, blank=True)
    note = models.CharField("说明", max_length=300, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "审计记录"
        ordering = ["-at", "-id"]
        default_permissions = ("view",)
        permissions = [("unmask_customer", "可显示客户完整电话和姓名")]
