"""The workbench's words: codes with parameters, rendered in the reader's language when shown."""
from __future__ import annotations

from django.utils.translation import gettext_noop as _

MESSAGES = {
    "workbench.phrases.unconfirmed": _("用语检查：%(field_label)s 含有 %(count)s 处不规范用语，请修改或确认后仍然保存"),
    "workbench.field.reply": _("回复内容"),
    "workbench.field.description": _("事件描述"),
    "workbench.field.text": _("文字"),
    "workbench.reply.satisfaction_required": _("填写了回复内容时，请选择客户满意度"),
    "workbench.reply.not_for_kind": _("%(kind)s不能在受理时直接回复，请留空回复内容"),
    "workbench.search.word_too_short": _("关键词：“%(word)s”只有一个汉字，请输入至少两个字的词"),
    "workbench.search.bad_choice": _("%(field_label)s：%(value)s 不是可选的值"),
    "workbench.search.bad_number": _("%(field_label)s：应为正整数（收到“%(value)s”）"),
    "workbench.search.dates_reversed": _("结束日期早于开始日期"),
    "workbench.search.owner_unknown": _("负责人：本中心没有工号 %(value)s"),
    "workbench.search.query_too_long": _("关键词：最多 %(max)s 个字"),
    "workbench.view.name_required": _("名称：必须填写"),
    "workbench.view.name_too_long": _("名称：最多 %(max)s 个字"),
    "workbench.view.query_too_long": _("查询条件过长（最多 %(max)s 个字符）"),
    "workbench.view.not_found": _("保存的查询不存在"),
    "workbench.check.text_too_long": _("文字：最多 %(max)s 个字，当前 %(length)s 个字"),
    "workbench.category.forbidden": _("服务忌语"),
    "workbench.category.discouraged": _("习惯用语"),
    "workbench.label.kind": _("类型"),
    "workbench.label.state": _("状态"),
    "workbench.label.overdue": _("超时"),
    "workbench.label.level": _("投诉级别"),
    "workbench.label.department": _("处理部门"),
    "workbench.label.page": _("页码"),
    "workbench.label.date_from": _("开始日期"),
    "workbench.label.date_to": _("结束日期"),
}
