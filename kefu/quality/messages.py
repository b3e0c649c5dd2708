"""Quality's words kept as codes with parameters (the evaluation machine), rendered in the reader's language."""

from __future__ import annotations

from django.utils.translation import gettext_noop as _

MESSAGES = {
    "quality.evaluation.state.assigned": _("待评分"),
    "quality.evaluation.state.scored": _("已评分待确认"),
    "quality.evaluation.state.acknowledged": _("已确认成绩"),
    "quality.evaluation.state.appealed": _("申诉中"),
    "quality.evaluation.state.upheld": _("申诉驳回（维持原分）"),
    "quality.evaluation.state.revised": _("申诉改分"),
    "quality.evaluation.transition.score": _("评分"),
    "quality.evaluation.transition.acknowledge": _("确认成绩"),
    "quality.evaluation.transition.appeal": _("提出申诉"),
    "quality.evaluation.transition.uphold": _("维持原分"),
    "quality.evaluation.transition.revise": _("改分"),
    "quality.evaluation.field.marks": _("各评分项得分"),
    "quality.evaluation.field.notes": _("评语"),
    "quality.evaluation.field.reason": _("申诉理由"),
    "quality.evaluation.field.decision_note": _("处理意见"),
    "quality.evaluation.party.inspector": _("本评分的质检员"),
    "quality.evaluation.party.lead": _("该话务员所在班组的班长"),
    "quality.evaluation.party.agent": _("被监听的话务员本人"),
    "quality.evaluation.noun": _("监听评分"),
    "quality.evaluation.appeal_deadline": _("已超过申诉期限（评分后 %(days)s 天内）"),
}
