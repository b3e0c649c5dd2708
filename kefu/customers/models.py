"""Customers (客户). Names, phones and addresses are encrypted at rest; lookups use keyed digests."""

from django.db import models

from kefu.audit.crypto import EncryptedTextField


class Customer(models.Model):
    class Kind(models.TextChoices):
        ORDINARY = "ordinary", "普通客户"
        KEY_ACCOUNT = "key_account", "大客户"  # 004:L2001, L2019: complaints go to senior agents
        DISTRIBUTOR = "distributor", "代理分销商"  # added at review, 004:L2055

    center = models.ForeignKey("org.Center", on_delete=models.CASCADE, related_name="customers", verbose_name="中心")
    name = EncryptedTextField("姓名", blank=True)
    phone = EncryptedTextField("联系电话")
    phone_digest = models.CharField(max_length=64, db_index=True, editable=False)
    service_number = EncryptedTextField("服务号码", blank=True)
    service_number_digest = models.CharField(max_length=64, db_index=True, blank=True, editable=False)
    address = EncryptedTextField("地址", blank=True)
    kind = models.CharField("客户类型", max_length=20, choices=Kind.choices, default=Kind.ORDINARY)
    is_vip = models.BooleanField("VIP", default=False)
    vip_level = models.CharField("VIP等级", max_length=20, blank=True)
    note = models.CharField("备注", max_length=300, blank=True)
    created_at = models.DateTimeField("建档时间", auto_now_add=True)
    last_contact_at = models.DateTimeField("最近联系", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "客户"
        constraints = [models.UniqueConstraint(fields=["center", "phone_digest"], name="customer_phone_unique")]

    def __str__(self) -> str:
        return f"客户#{self.pk}"

    @property
    def surname(self) -> str:
        return self.name[:1] if self.name else ""
