from django.utils.translation import gettext_lazy as _

ITEMS = [
    (_("请假换班"), "attendance:mine", "page.attendance.mine"),
    (_("审批"), "attendance:approvals", "page.attendance.approvals"),
    (_("考勤表"), "attendance:sheet", "page.attendance.sheet"),
]
