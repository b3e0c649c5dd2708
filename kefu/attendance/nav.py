ITEMS = [
    ("请假换班", "attendance:mine", "page.attendance.mine"),
    ("审批", "attendance:approvals", "page.attendance.approvals"),
    ("考勤表", "attendance:sheet", "page.attendance.sheet"),
]
