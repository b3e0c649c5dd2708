import threading

from django.core.management.base import BaseCommand, CommandError

from kefu.web import timers


class Command(BaseCommand):
    help = "在本进程内运行定时任务（超时检测、提醒、升级），用于内置 SQLite 部署；生产环境请用 Celery beat。"

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="每个任务只运行一次后退出；有任务失败时以非零状态退出")
        parser.add_argument("--tick", type=float, default=5.0)

    def handle(self, *args, **opts):
        from django.conf import settings

        if opts["once"]:
            done = timers.run_round({}, float("inf"))
            self.stdout.write("已运行：" + ("、".join(timers.label_of(n) for n in done.ran) or "无"))
            if done.failed:
                # the traceback is in the log; the exit status tells cron / systemd / the operator
                raise CommandError(
                    "定时任务运行失败："
                    + "、".join(timers.label_of(n) for n in done.failed)
                    + "（详情见错误日志；管理员和值班长的首页也会提示）"
                )
            if not settings.CELERY_BEAT_SCHEDULE:
                self.stdout.write("没有登记的定时任务")
            return
        self.stdout.write(
            f"定时任务：{'、'.join(timers.label_of(n) for n in settings.CELERY_BEAT_SCHEDULE) or '无'}（Ctrl-C 退出）"
        )
        stop = threading.Event()
        try:
            timers.loop(stop, opts["tick"])
        except KeyboardInterrupt:
            stop.set()
