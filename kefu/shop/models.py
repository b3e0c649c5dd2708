"""The e-commerce service desk: shops, their orders with remarks and flags, after-sales cases, the agents' notebooks.

Buyers' names, phones, addresses and payment accounts are encrypted at rest (kefu.audit.crypto); a phone is found by
its keyed digest. Events keep a message code and its parameters (kefu/messages.py), never prose."""

from django.db import models

from kefu.audit.crypto import EncryptedTextField
from kefu.org.models import Center, Department, Staff


class Shop(models.Model):
    center = models.ForeignKey(Center, on_delete=models.CASCADE, related_name="+", verbose_name="中心")
    code = models.CharField("店铺代码", max_length=30)
    name = models.CharField("店铺名称", max_length=100)
    flag_scheme = models.CharField(
        "旗帜方案", max_length=30, blank=True, help_text="policy shop.flag_schemes 之一；空 = 中心默认方案"
    )
    after_sales = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="售后部门"
    )

    class Meta:
        verbose_name = verbose_name_plural = "店铺"
        constraints = [models.UniqueConstraint(fields=["center", "code"], name="shop_code_unique")]

    def __str__(self):
        return self.name


class ShopOrder(models.Model):
    class Payment(models.TextChoices):
        UNPAID = "unpaid", "拍下未付款"
        PAID = "paid", "已付款"
        SHIPPED = "shipped", "已发货"
        COMPLETED = "completed", "交易成功"
        CLOSED = "closed", "交易关闭"

    class Source(models.TextChoices):
        IMPORTED = "imported", "平台导出"
        ENTERED = "entered", "录入"
        HANDWRITTEN = "handwritten", "手写单（换货）"

    center = models.ForeignKey(Center, on_delete=models.CASCADE, related_name="+", verbose_name="中心")
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="orders", verbose_name="店铺")
    order_no = models.CharField("订单编号", max_length=40)
    buyer_wangwang = models.CharField("买家旺旺", max_length=60, db_index=True)
    payment = models.CharField("付款状态", max_length=20, choices=Payment.choices, default=Payment.UNPAID)
    auto_placed = models.BooleanField("自动拍下", default=False)
    placed_at = models.DateTimeField("下单时间")
    paid_at = models.DateTimeField("付款时间", null=True, blank=True)
    amount = models.DecimalField("实付金额", max_digits=12, decimal_places=2, default=0)
    owner = models.ForeignKey(
        Staff, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="接待客服"
    )
    follow_up = models.ForeignKey(
        Staff, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="跟进客服"
    )
    contact_name = EncryptedTextField("联系人", blank=True)
    phone = EncryptedTextField("联系电话", blank=True)
    phone_digest = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    address = EncryptedTextField("收货地址", blank=True)
    logistics = models.CharField("物流方式", max_length=20, blank=True)
    tracking_no = models.CharField("快递单号", max_length=40, blank=True, db_index=True)
    remark = models.CharField("备注", max_length=300, blank=True)
    remark_agent = models.CharField("备注客服", max_length=50, blank=True)
    remark_flag = models.CharField("旗帜", max_length=10, blank=True)
    confirmation_note = models.CharField("确认表备注", max_length=200, blank=True)
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True)
    source = models.CharField("来源", max_length=20, choices=Source.choices, default=Source.ENTERED)
    exchange_of = models.ForeignKey(
        "AfterSalesCase", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="换货售后单"
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "网店订单"
        ordering = ["-placed_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["shop", "order_no"], name="shop_order_no_unique")]

    def __str__(self):
        return self.order_no


class OrderLine(models.Model):
    order = models.ForeignKey(ShopOrder, on_delete=models.CASCADE, related_name="lines", verbose_name="订单")
    item_no = models.CharField("货号", max_length=40)
    title = models.CharField("宝贝标题", max_length=120, blank=True)
    size = models.CharField("尺码", max_length=20, blank=True)
    colour = models.CharField("颜色", max_length=20, blank=True)
    quantity = models.PositiveIntegerField("数量", default=1)
    price = models.DecimalField("单价", max_digits=12, decimal_places=2, default=0)

    class Meta:
        verbose_name = verbose_name_plural = "订单明细"
        ordering = ["id"]


class OrderEvent(models.Model):
    order = models.ForeignKey(ShopOrder, on_delete=models.CASCADE, related_name="events")
    code = models.CharField(max_length=80)
    params = models.JSONField(default=dict)
    actor = models.ForeignKey(Staff, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]


class AfterSalesCase(models.Model):
    class Kind(models.TextChoices):
        RETURN = "return", "退货退款"
        EXCHANGE = "exchange", "换货"
        REFUND = "refund", "仅退款"
        COMPENSATION = "compensation", "部分补偿"

    class Reason(models.TextChoices):
        QUALITY = "quality", "质量问题"
        DISLIKE = "dislike", "不喜欢"
        USAGE = "usage", "使用问题"
        WRONG_ITEM = "wrong_item", "发错货"
        LOGISTICS = "logistics", "物流破损"

    center = models.ForeignKey(Center, on_delete=models.CASCADE, related_name="+", verbose_name="中心")
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="+", verbose_name="店铺")
    order = models.ForeignKey(ShopOrder, on_delete=models.PROTECT, related_name="cases", verbose_name="订单")
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="售后部门"
    )
    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    reason = models.CharField("原因", max_length=20, choices=Reason.choices)
    state = models.CharField("状态", max_length=20, default="requested")
    facts = models.JSONField("退换条件", default=dict)
    refusals = models.JSONField("不符合的规定", default=list)
    outbound_payer = models.CharField("发出运费承担", max_length=10)
    return_payer = models.CharField("退回运费承担", max_length=10)
    buyer_wangwang = models.CharField("买家旺旺", max_length=60, db_index=True)
    buyer_name = EncryptedTextField("客户姓名", blank=True)
    payment_account = EncryptedTextField("支付宝账号", blank=True)
    amount = models.DecimalField("申请金额", max_digits=12, decimal_places=2, default=0)
    return_tracking_no = models.CharField("退回单号", max_length=40, blank=True, db_index=True)
    note_in_parcel = models.BooleanField("包裹内有纸条", null=True, blank=True)
    reship_tracking_no = models.CharField("补发/换货单号", max_length=40, blank=True)
    refunded_amount = models.DecimalField("已退金额", max_digits=12, decimal_places=2, default=0)
    handler = models.ForeignKey(
        Staff, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="售后处理人"
    )
    created_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+", verbose_name="登记人")
    created_at = models.DateTimeField("登记时间")
    received_at = models.DateTimeField("收到退件", null=True, blank=True)
    closed_at = models.DateTimeField("结案时间", null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = verbose_name_plural = "售后单"
        ordering = ["-created_at", "-id"]


class CaseEvent(models.Model):
    case = models.ForeignKey(AfterSalesCase, on_delete=models.CASCADE, related_name="events")
    code = models.CharField(max_length=80)
    params = models.JSONField(default=dict)
    from_state = models.CharField(max_length=20, blank=True)
    to_state = models.CharField(max_length=20, blank=True)
    actor = models.ForeignKey(Staff, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]


class ProblemEntry(models.Model):
    """问题登记本 (003:L16): each agent writes down problems and ideas as they come; hands the week in; the team lead
    consolidates them."""

    center = models.ForeignKey(Center, on_delete=models.CASCADE, related_name="+", verbose_name="中心")
    author = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+", verbose_name="登记人")
    written_at = models.DateTimeField("登记时间")
    week = models.DateField("所属周（周一）", db_index=True)
    text = models.TextField("问题或想法")
    handed_in_at = models.DateTimeField("上交时间", null=True, blank=True)
    consolidated_at = models.DateTimeField("汇总时间", null=True, blank=True)
    consolidated_by = models.ForeignKey(
        Staff, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="汇总人"
    )
    lead_note = models.CharField("组长处理意见", max_length=300, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "问题登记"
        ordering = ["-written_at", "-id"]


class ServiceStat(models.Model):
    """服务统计本 (003:L17): customers served and customers who bought, per agent per day."""

    center = models.ForeignKey(Center, on_delete=models.CASCADE, related_name="+", verbose_name="中心")
    staff = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+", verbose_name="客服")
    day = models.DateField("日期")
    served = models.PositiveIntegerField("接待人数")
    bought = models.PositiveIntegerField("成交人数")

    class Meta:
        verbose_name = verbose_name_plural = "服务统计"
        ordering = ["-day", "staff__staff_no"]
        constraints = [models.UniqueConstraint(fields=["staff", "day"], name="service_stat_unique")]


class BadReview(models.Model):
    """中差评 handled by phone first, then SMS (003:L250-264, L410-424)."""

    class Rating(models.TextChoices):
        MID = "mid", "中评"
        BAD = "bad", "差评"

    class Cause(models.TextChoices):
        NOVICE = "novice", "新手不懂中差评"  # 003:L254 (1)
        UNHAPPY = "unhappy", "确实不满意"  # 003:L254 (2)
        CANNOT_USE = "cannot_use", "不会使用"  # 003:L255 (3)

    center = models.ForeignKey(Center, on_delete=models.CASCADE, related_name="+", verbose_name="中心")
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="+", verbose_name="店铺")
    order = models.ForeignKey(ShopOrder, on_delete=models.PROTECT, related_name="reviews", verbose_name="订单")
    rating = models.CharField("评价", max_length=10, choices=Rating.choices)
    text = models.CharField("评价内容", max_length=500)
    cause = models.CharField("原因", max_length=20, blank=True)
    state = models.CharField("状态", max_length=20, default="new")
    compensation = models.DecimalField("补偿金额", max_digits=12, decimal_places=2, default=0)
    handler = models.ForeignKey(
        Staff, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="跟进人"
    )
    created_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+", verbose_name="登记人")
    created_at = models.DateTimeField("登记时间")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = verbose_name_plural = "中差评"
        ordering = ["-created_at", "-id"]


class ReviewEvent(models.Model):
    review = models.ForeignKey(BadReview, on_delete=models.CASCADE, related_name="events")
    code = models.CharField(max_length=80)
    params = models.JSONField(default=dict)
    from_state = models.CharField(max_length=20, blank=True)
    to_state = models.CharField(max_length=20, blank=True)
    actor = models.ForeignKey(Staff, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]


class Complaint(models.Model):
    """The after-sales handbook's complaint (客户投诉处理表, 002:L115-148): intake fields, investigation report within
    3 days of the investigation, closure within 6 days of acceptance, reviewed monthly by the 10th (002:L160)."""

    center = models.ForeignKey(Center, on_delete=models.CASCADE, related_name="+", verbose_name="中心")
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="+", verbose_name="店铺")
    order = models.ForeignKey(
        ShopOrder, null=True, blank=True, on_delete=models.PROTECT, related_name="complaints", verbose_name="订单"
    )
    batch_no = models.CharField("批号", max_length=40, blank=True)
    specification = models.CharField("规格", max_length=60)
    quantity = models.PositiveIntegerField("数量")
    defective_quantity = models.PositiveIntegerField("不良数量", default=0)
    sample_attached = models.BooleanField("附样品", default=False)
    request = models.CharField("客户要求及原因", max_length=500)
    state = models.CharField("状态", max_length=20, default="accepted")
    accepted_on = models.DateField("受理日期")
    investigated_on = models.DateField("调查日期", null=True, blank=True)
    reported_on = models.DateField("报告日期", null=True, blank=True)
    closed_on = models.DateField("结案日期", null=True, blank=True)
    reviewed_on = models.DateField("月度审核日期", null=True, blank=True)
    created_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+", verbose_name="登记人")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = verbose_name_plural = "客户投诉"
        ordering = ["-accepted_on", "-id"]


class ComplaintEvent(models.Model):
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="events")
    code = models.CharField(max_length=80)
    params = models.JSONField(default=dict)
    from_state = models.CharField(max_length=20, blank=True)
    to_state = models.CharField(max_length=20, blank=True)
    actor = models.ForeignKey(Staff, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]


class ChatSession(models.Model):
    """One chat session of the shop's chat tool, measured at import (kefu/shop/chat.py); messages are not kept."""

    center = models.ForeignKey(Center, on_delete=models.CASCADE, related_name="+", verbose_name="中心")
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="+", verbose_name="店铺")
    session = models.CharField("会话ID", max_length=60)
    buyer = models.CharField("买家", max_length=60, db_index=True)
    agent_no = models.CharField("客服", max_length=60, blank=True)
    started_at = models.DateTimeField("开始时间", db_index=True)
    messages = models.PositiveIntegerField("消息数")
    buyer_messages = models.PositiveIntegerField("买家消息数")
    first_reply_seconds = models.FloatField("首次响应（秒）", null=True)
    mean_response_seconds = models.FloatField("平均响应（秒）", null=True)

    class Meta:
        verbose_name = verbose_name_plural = "聊天会话"
        constraints = [models.UniqueConstraint(fields=["shop", "session"], name="chat_session_unique")]
