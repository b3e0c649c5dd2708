from django.apps import AppConfig


class RosterConfig(AppConfig):
    name = "kefu.roster"
    label = "roster"
    verbose_name = "排班表"
