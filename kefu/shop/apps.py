from django.apps import AppConfig


class ShopConfig(AppConfig):
    name = "kefu.shop"
    label = "shop"
    verbose_name = "网店客服"
