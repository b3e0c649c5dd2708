from django.apps import AppConfig


class AttendanceConfig(AppConfig):
    name = "kefu.attendance"
    label = "attendance"
    verbose_name = "考勤与请假"
