import threading

from django.core.management import call_command
from django.core.management.base import BaseCommand

from kefu.web import timers


class Command(BaseCommand):
    help = "启动示范中心：网页服务 + 进程内定时任务，并打印地址和示范账号。"

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")

    def handle(self, *args, **opts):
        from kefu.org.demo import DEMO_PASSWORD
        from kefu.org.roles import ROLE_LABELS, Role

        addr = opts["addrport"]
        accounts = [
            ("admin", Role.ADMIN),
            ("manager1", Role.MANAGER),
            ("supervisor1", Role.SUPERVISOR),
            ("teamlead1", Role.TEAM_LEAD),
            ("agent1", Role.AGENT),
            ("senior1", Role.SENIOR_AGENT),
            ("dispatcher1", Role.DISPATCHER),
            ("handler1", Role.DEPT_HANDLER),
            ("qa1", Role.QA),
            ("editor1", Role.EDITOR),
            ("hr1", Role.HR),
            ("auditor1", Role.AUDITOR),
        ]
        self.stdout.write(self.style.SUCCESS(f"\n示范中心已启动：http://{addr}/"))
        self.stdout.write(f"接口文档：http://{addr}/api/docs    配置后台：http://{addr}/admin/")
        self.stdout.write(f"示范账号（密码均为 {DEMO_PASSWORD}）：")
        for username, role in accounts:
            self.stdout.write(f"  {username:<12} {ROLE_LABELS[role]}")
        self.stdout.write("")
        stop = threading.Event()
        threading.Thread(target=timers.loop, args=(stop,), daemon=True, name="kefu-timers").start()
        try:
            call_command("runserver", addr, use_reloader=False)
        finally:
            stop.set()
