from django.apps import AppConfig


class DisciplineConfig(AppConfig):
    name = "kefu.discipline"
    label = "discipline"
    verbose_name = "奖惩与考核"
