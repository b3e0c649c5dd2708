from django.utils.translation import gettext_lazy as _

ITEMS = [
    (_("培训测验"), "training:index", "training.list_quizzes"),
    (_("产品培训"), "training:products", "training.list_products"),
]
