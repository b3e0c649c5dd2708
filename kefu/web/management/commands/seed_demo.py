"""Build the demo center: the organisation first, then every app's `demo.build(center, rng, out)`."""
import random

from django.core.management.base import BaseCommand
from django.db import transaction

from kefu.registry import app_modules


class Command(BaseCommand):
    help = "生成示范中心（hotline 预设、约35名员工、数百张工单等）；已生成的部分不会重复生成。"

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=12345)
        parser.add_argument("--only", nargs="*", help="只运行这些应用的 demo（例如 tickets kpi）")

    def handle(self, *args, **opts):
        rng = random.Random(opts["seed"])
        from kefu.org import demo as org_demo

        with transaction.atomic():
            center = org_demo.build(None, rng, self.stdout)
        for label, module in app_modules("demo"):
            if label == "org" or (opts["only"] and label not in opts["only"]):
                continue
            with transaction.atomic():
                module.build(center, rng, self.stdout)
        self.stdout.write(self.style.SUCCESS("示范数据已就绪。"))
