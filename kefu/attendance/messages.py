"""Attendance's words kept as codes with parameters (the swap machine, its notifications, the rules that feed
discipline), rendered in the reader's language when shown."""

from __future__ import annotations

from django.utils.translation import gettext_noop as _

MESSAGES = {
    "attendance.swap.state.requested": _("待对方同意"),
    "attendance.swap.state.agreed": _("待班长审批"),
    "attendance.swap.state.approved": _("已批准"),
    "attendance.swap.state.declined": _("对方不同意"),
    "attendance.swap.state.rejected": _("已驳回"),
    "attendance.swap.state.cancelled": _("已撤销"),
    "attendance.swap.transition.agree": _("同意换班"),
    "attendance.swap.transition.decline": _("不同意换班"),
    "attendance.swap.transition.approve": _("批准"),
    "attendance.swap.transition.reject": _("驳回"),
    "attendance.swap.transition.cancel": _("撤销"),
    "attendance.swap.field.note": _("说明"),
    "attendance.swap.noun": _("换班申请"),
    "attendance.swap.not_your_team": _("只有换班双方的班长（或值班长）可以审批"),
    "attendance.swap.already_approved": _("您已审批过该换班申请，等待另一方班长审批"),
    "attendance.swap.roster_taken": _("换班后工号 %(staff_no)s 在 %(day)s 已有排班，无法调整排班表"),
    "attendance.swap.asked": _(
        "工号 %(requester)s 请求与您换班：您 %(their_shift)s 的班换他 %(my_shift)s 的班，请确认是否同意"
    ),
    "attendance.swap.to_approve": _("工号 %(requester)s 与 %(counterpart)s 的换班已经对方同意，待您审批"),
    "attendance.swap.approved": _("换班已批准：工号 %(requester)s 与 %(counterpart)s，排班表已调整"),
    "attendance.swap.declined": _("工号 %(counterpart)s 不同意与您换班"),
    "attendance.swap.rejected": _("工号 %(requester)s 与 %(counterpart)s 的换班申请被驳回"),
    "attendance.leave.state.submitted": _("待审批"),
    "attendance.leave.state.approved": _("已批准"),
    "attendance.leave.state.rejected": _("已驳回"),
    "attendance.leave.state.cancelled": _("已撤销"),
    "attendance.leave.transition.approve": _("批准请假"),
    "attendance.leave.transition.reject": _("驳回请假"),
    "attendance.leave.transition.cancel": _("撤销请假"),
    "attendance.leave.field.note": _("审批意见"),
    "attendance.leave.noun": _("请假申请"),
    "attendance.leave.not_your_step": _("当前审批环节需要“%(role)s”审批，不允许越级审批"),
    "attendance.leave.role.team_lead": _("班长"),
    "attendance.leave.role.supervisor": _("值班长"),
    "attendance.leave.role.manager": _("中心经理"),
    # the spot check (查岗) and leaving the post, recorded as discipline violations (002:L75, 000:L30-31)
    "attendance.spot.field.staff_no": _("工号"),
    "attendance.spot.field.checked_at": _("查岗时间"),
    "attendance.spot.field.until": _("说明或返岗时间"),
    "attendance.spot.field.kind": _("类型"),
    "attendance.spot.not_on_shift": _("工号 %(staff_no)s 在 %(at)s 不在排班的班次内"),
    "attendance.spot.order": _("%(field_label)s：不能早于%(other)s"),
    "attendance.spot.back_required": _("离岗记录须填写返岗时间"),
    "attendance.spot.bad_kind": _("类型：%(value)s 不是可选的值（查岗不在岗 spot_check、离岗 left_post）"),
    "attendance.spot.too_old": _("%(field_label)s：只能登记一年以内的查岗与离岗"),
    "attendance.spot.future": _("%(field_label)s：不能晚于现在"),
    "attendance.spot.unknown_staff": _("工号 %(staff_no)s 不存在或已离职"),
}
