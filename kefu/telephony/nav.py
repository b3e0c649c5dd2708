ITEMS = [
    ("话务导入", "telephony:import", "page.telephony.import"),
]
