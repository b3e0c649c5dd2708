from django.utils.translation import gettext_lazy as _

ITEMS = [
    (_("网店订单"), "shop:orders", "page.shop.orders"),
    (_("售后"), "shop:cases", "page.shop.cases"),
    (_("客服记录本"), "shop:notebooks", "page.shop.notebooks"),
    (_("提成"), "shop:commission", "page.shop.commission"),
]
