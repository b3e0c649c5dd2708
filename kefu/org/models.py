"""The center, its departments, teams and staff; policies; API tokens."""

import hashlib
import secrets

from django.conf import settings
from django.db import models


class Center(models.Model):
    code = models.SlugField("代码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=100)
    time_zone = models.CharField("时区", max_length=50, default="Asia/Shanghai")

    class Meta:
        verbose_name = verbose_name_plural = "中心"

    def __str__(self) -> str:
        return self.name


class Department(models.Model):
    class Kind(models.TextChoices):
        FRONT_LINE = "front_line", "一线座席"
        BACK_OFFICE = "back_office", "后台台席"
        SUPPORT = "support", "支撑部门"  # departments orders are dispatched to
        EXTERNAL = "external", "外部单位"  # other operators, banks (level-4 complaints)
        MANAGEMENT = "management", "管理部门"

    center = models.ForeignKey(Center, on_delete=models.CASCADE, related_name="departments", verbose_name="中心")
    code = models.SlugField("代码", max_length=40)
    name = models.CharField("名称", max_length=100)
    kind = models.CharField("类型", max_length=20, choices=Kind.choices, default=Kind.SUPPORT)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children", verbose_name="上级部门"
    )
    # Escalation ladder of overdue orders (004:L2181): first the leader, then the executive in charge.
    leader = models.ForeignKey(
        "Staff", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="部门领导"
    )
    executive = models.ForeignKey(
        "Staff", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="主管领导"
    )
    liaison = models.ForeignKey(
        "Staff", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="联络员"
    )

    class Meta:
        verbose_name = verbose_name_plural = "部门"
        constraints = [models.UniqueConstraint(fields=["center", "code"], name="department_code_unique")]

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    center = models.ForeignKey(Center, on_delete=models.CASCADE, related_name="teams", verbose_name="中心")
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.SET_NULL, related_name="teams", verbose_name="部门"
    )
    code = models.SlugField("代码", max_length=40)
    name = models.CharField("名称", max_length=100)
    lead = models.ForeignKey(
        "Staff", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="班长"
    )

    class Meta:
        verbose_name = verbose_name_plural = "班组"
        constraints = [models.UniqueConstraint(fields=["center", "code"], name="team_code_unique")]

    def __str__(self) -> str:
        return self.name


class Skill(models.Model):
    code = models.SlugField("代码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=50)

    class Meta:
        verbose_name = verbose_name_plural = "技能"

    def __str__(self) -> str:
        return self.name


class Staff(models.Model):
    """A person of the center. Shown to customers and on shared screens by staff number (工号) only."""

    class Level(models.IntegerChoices):
        TRAINEE = 1, "见习"
        JUNIOR = 2, "初级"
        REGULAR = 3, "中级"
        SENIOR = 4, "高级"
        EXPERT = 5, "专家"

    class Employment(models.TextChoices):
        """Turnover counts full-time agents (全时工作, 004:L1739-1745)."""

        FULL_TIME = "full_time", "全职"
        PART_TIME = "part_time", "兼职"
        TEMPORARY = "temporary", "临时"
        INTERN = "intern", "实习"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff", verbose_name="登录账号"
    )
    center = models.ForeignKey(Center, on_delete=models.CASCADE, related_name="staff", verbose_name="中心")
    staff_no = models.CharField("工号", max_length=20, unique=True)
    name = models.CharField("姓名", max_length=50)
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.SET_NULL, related_name="staff", verbose_name="部门"
    )
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="members", verbose_name="班组"
    )
    level = models.PositiveSmallIntegerField("技能等级", choices=Level.choices, default=Level.REGULAR)
    employment = models.CharField("用工类型", max_length=12, choices=Employment.choices, default=Employment.FULL_TIME)
    skills = models.ManyToManyField(Skill, blank=True, related_name="staff", verbose_name="技能")
    hired_on = models.DateField("入职日期", null=True, blank=True)
    left_on = models.DateField("离职日期", null=True, blank=True)
    is_active = models.BooleanField("在职", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "员工"
        ordering = ["staff_no"]

    def __str__(self) -> str:
        return self.staff_no

    @property
    def label(self) -> str:
        """How staff are shown beside other staff: 工号 姓名."""
        return f"{self.staff_no} {self.name}"


class Policy(models.Model):
    """The rules of one center: a preset (hotline, gov12345, ecommerce) plus the administrator's edits.

    `overrides` holds only what differs from the preset, per section (e.g. {"tickets": {...}}).
    """

    class Preset(models.TextChoices):
        HOTLINE = "hotline", "热线（培训教材）"
        GOV12345 = "gov12345", "12345政务热线"
        ECOMMERCE = "ecommerce", "电商客服（淘宝）"

    center = models.OneToOneField(Center, on_delete=models.CASCADE, related_name="policy", verbose_name="中心")
    preset = models.CharField("预设", max_length=20, choices=Preset.choices, default=Preset.HOTLINE)
    overrides = models.JSONField("覆盖项", default=dict, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "制度参数"

    def __str__(self) -> str:
        return f"{self.center} · {self.get_preset_display()}"


class ApiToken(models.Model):
    """Token for integrations (Authorization: Bearer <token>). Only a hash is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens", verbose_name="账号"
    )
    name = models.CharField("用途", max_length=100)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)
    revoked = models.BooleanField("已吊销", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "接口令牌"

    @staticmethod
    def digest_of(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @classmethod
    def issue(cls, user, name: str) -> tuple["ApiToken", str]:
        raw = "kf_" + secrets.token_urlsafe(32)
        return cls.objects.create(user=user, name=name, digest=cls.digest_of(raw)), raw
