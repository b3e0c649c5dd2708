"""Build the demo center: the organisation first, then every app's `demo.build(center, rng, out)`, the KPI rollups last.

Each app draws from its own random stream (the seed and the app's label), so what one app makes does not depend on
whether another app ran or skipped its part: a second run finds every part in place and adds nothing. The KPI
rollups are computed after every other app, so they count the clock-ins, QA scores, return visits and surveys the
later apps record.
"""

import random
import time

from django.core.management.base import BaseCommand
from django.db import transaction

from kefu.registry import app_modules

LAST = ("kpi",)  # summaries of what the other apps made


class Command(BaseCommand):
    help = "生成示范中心（hotline 预设、约35名员工、数百张工单等）；已生成的部分不会重复生成。"

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=12345)
        parser.add_argument("--only", nargs="*", help="只运行这些应用的 demo（例如 tickets kpi）")

    def handle(self, *args, **opts):
        from kefu.org import demo as org_demo
        from kefu.org.models import Staff

        seed = opts["seed"]
        verbose = opts.get("verbosity", 1) >= 2
        with transaction.atomic():
            center = org_demo.build(None, random.Random(f"{seed}:org"), self.stdout)
        modules = [
            (label, module)
            for label, module in app_modules("demo")
            if label != "org" and not (opts["only"] and label not in opts["only"])
        ]
        modules.sort(key=lambda item: item[0] in LAST)  # stable: the apps' order, the summaries last
        for label, module in modules:
            began = time.monotonic()
            with transaction.atomic():
                module.build(center, random.Random(f"{seed}:{label}"), self.stdout)
            if verbose:
                self.stdout.write(f"  （{label}：{time.monotonic() - began:.1f} 秒）")
        staff = Staff.objects.filter(center=center).count()
        self.stdout.write(self.style.SUCCESS(f"示范数据已就绪：{center.name}，{staff} 名员工。"))
