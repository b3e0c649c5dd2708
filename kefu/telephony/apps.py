from django.apps import AppConfig


class TelephonyConfig(AppConfig):
    name = "kefu.telephony"
    label = "telephony"
    verbose_name = "话务数据"
