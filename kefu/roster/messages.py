"""The roster's notifications: codes with parameters, rendered in the reader's language when shown."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

MESSAGES = {
    # the solver's status of a roster, as staff read it (the solver's own words stay in the API)
    "roster.solver.optimal": _("已证明最优"),
    "roster.solver.feasible": _("已找到可行排班"),
    "roster.solver.infeasible": _("无可行排班"),
    "roster.solver.unknown": _("未找到排班方案"),
    "roster.solver.none": _("—"),
    "roster.repair.changed": _("因缺勤重排，您在 %(start)s 起的排班表中 %(days)s 的班次有调整，请查看"),
}
