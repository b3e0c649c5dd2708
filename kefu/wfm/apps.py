from django.apps import AppConfig


class WfmConfig(AppConfig):
    name = "kefu.wfm"
    label = "wfm"
    verbose_name = "排班"
