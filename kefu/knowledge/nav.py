ITEMS = [
    ("知识检索", "knowledge:search", "page.knowledge.search"),
    ("标准用语", "knowledge:phrases", "page.knowledge.phrases"),
    ("用语检查", "knowledge:checker", "page.knowledge.checker"),
    ("知识采编", "knowledge:editor", "page.knowledge.editor"),
    ("知识审核", "knowledge:review", "page.knowledge.review"),
]
