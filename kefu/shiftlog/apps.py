from django.apps import AppConfig


class ShiftlogConfig(AppConfig):
    name = "kefu.shiftlog"
    label = "shiftlog"
    verbose_name = "交接班"
