from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "kefu.web"
    label = "web"
    verbose_name = "页面"
