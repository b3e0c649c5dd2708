import threading

from django.core.management.base import BaseCommand

from kefu.web import timers


class Command(BaseCommand):
    help = "在本进程内运行定时任务（超时检测、提醒、升级），用于内置 SQLite 部署；生产环境请用 Celery beat。"

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="每个任务只运行一次后退出")
        parser.add_argument("--tick", type=float, default=5.0)

    def handle(self, *args, **opts):
        from django.conf import settings

        if opts["once"]:
            ran = timers.run_due({}, float("inf"))
            self.stdout.write("已运行：" + ("、".join(ran) or "无定时任务"))
            return
        self.stdout.write(f"定时任务：{', '.join(settings.CELERY_BEAT_SCHEDULE) or '无'}（Ctrl-C 退出）")
        stop = threading.Event()
        try:
            timers.loop(stop, opts["tick"])
        except KeyboardInterrupt:
            stop.set()
