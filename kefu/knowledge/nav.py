from django.utils.translation import gettext_lazy as _

ITEMS = [
    (_("知识检索"), "knowledge:search", "page.knowledge.search"),
    (_("标准用语"), "knowledge:phrases", "page.knowledge.phrases"),
    (_("用语检查"), "knowledge:checker", "page.knowledge.checker"),
    (_("知识采编"), "knowledge:editor", "page.knowledge.editor"),
    (_("知识审核"), "knowledge:review", "page.knowledge.review"),
]
