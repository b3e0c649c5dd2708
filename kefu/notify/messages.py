"""The notification centre's words: codes with parameters, rendered in the reader's language when shown."""

from __future__ import annotations

from django.utils.translation import gettext_noop as _

MESSAGES = {
    "notify.subject": _("客服中心通知"),
    "notify.link": _("查看：%(url)s"),
    "notify.test": _("这是一条测试通知，收到即表示渠道配置正确（%(channel)s）"),
    "notify.url.required": _("%(field_label)s：必须填写"),
    "notify.url.scheme": _("%(field_label)s：“%(value)s”不是 http:// 或 https:// 开头的网址，不能作为通知地址"),
    "notify.url.host": _("%(field_label)s：“%(value)s”缺少主机名，不能作为通知地址"),
    "notify.field.url": _("通知地址"),
    "notify.field.email": _("电子邮箱"),
    "notify.field.mobile": _("手机号码"),
    "notify.field.quiet": _("免打扰时段"),
    "notify.field.kind": _("渠道类型"),
    "notify.field.name": _("渠道名称"),
    "notify.email.invalid": _("%(field_label)s：“%(value)s”不是有效的邮箱地址"),
    "notify.mobile.invalid": _("%(field_label)s：“%(value)s”不是 11 位手机号码"),
    "notify.channel.needs_address": _("选择了%(channel)s通知，请先填写%(field_label)s"),
    "notify.quiet.incomplete": _("%(field_label)s：开始和结束时间须同时填写，或都不填"),
    "notify.quiet.time": _("%(field_label)s：“%(value)s”不是有效的时间，应写成 22:00 这样的格式"),
    "notify.kind.invalid": _("%(field_label)s：“%(value)s”不是可选的渠道（短信、企业微信群机器人、钉钉群机器人）"),
    "notify.name.required": _("%(field_label)s：必须填写"),
    "notify.requeue.state": _("只有发送失败或结果未知的通知可以重新发送，这条的状态是“%(state)s”"),
    "notify.what.notification": _("通知"),
    "notify.what.outbox": _("发件记录"),
}

MESSAGES.update(
    {
        "notify.via.email": _("邮件"),
        "notify.via.sms": _("短信"),
        "notify.via.wecom": _("企业微信"),
        "notify.via.dingtalk": _("钉钉"),
    }
)
