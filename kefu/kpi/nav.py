ITEMS = [
    ("指标看板", "kpi:dashboard", "page.kpi.dashboard"),
    ("实时大屏", "kpi:wallboard", "page.kpi.wallboard"),
]
