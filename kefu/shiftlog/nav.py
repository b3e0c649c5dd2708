ITEMS = [
    ("交接班", "shiftlog:mine", "page.shiftlog.mine"),
    ("交接班督查", "shiftlog:supervise", "page.shiftlog.supervise"),
]
