ITEMS = [
    ("培训测验", "training:index", "training.list_quizzes"),
    ("产品培训", "training:products", "training.list_products"),
]
