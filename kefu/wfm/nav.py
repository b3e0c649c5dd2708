ITEMS = [
    ("话务预测", "wfm:forecast", "page.wfm.forecast"),
    ("人力需求", "wfm:staffing", "page.wfm.staffing"),
    ("五表", "wfm:five_tables", "page.wfm.five_tables"),
    ("现场应急", "wfm:floor", "page.wfm.floor"),
]
