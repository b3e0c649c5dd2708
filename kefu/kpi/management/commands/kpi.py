"""kefu kpi --month 2026-10 --by team [--xlsx out.xlsx] [--refresh] [--center CODE]

Prints every metric of the month for each key of the breakdown (from the stored rollups; computed
first when the month has none, or with --refresh) and optionally writes the same report to Excel.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from kefu.errors import RuleViolation
from kefu.kpi import export as xlsx
from kefu.kpi import periods, selectors, services
from kefu.org.models import Center


class Command(BaseCommand):
    help = "按月输出指标报表（表格 + 可选 Excel）"

    def add_arguments(self, parser):
        parser.add_argument("--month", required=True, help="YYYY-MM")
        parser.add_argument("--by", default="center", choices=list(selectors.DAY_BREAKDOWNS))
        parser.add_argument("--xlsx", help="Excel 文件路径")
        parser.add_argument("--center", help="中心代码（默认第一个中心）")
        parser.add_argument("--refresh", action="store_true", help="先重算该月汇总")
        parser.add_argument("--metrics", help="只输出这些指标，逗号分隔，如 K1,K2,M8")

    def handle(self, *args, **opts):
        center = (
            Center.objects.filter(code=opts["center"]).first()
            if opts["center"]
            else Center.objects.order_by("id").first()
        )
        if center is None:
            raise CommandError("找不到中心")
        try:
            period = periods.parse("month", today=selectors.local_today(center), month=opts["month"])
        except periods.PeriodError as exc:
            raise CommandError(str(exc)) from None
        if opts["refresh"] or not selectors.has_rollups(center, period.start, period.end):
            try:
                n = services.refresh_rollups(center, period.start, period.days[-1])
            except RuleViolation as exc:
                raise CommandError(str(exc)) from None
            self.stderr.write(f"已重算 {period.label} 的汇总：{n} 行")
        spec = selectors.spec_for(center)
        by = opts["by"]
        values = selectors.period_values(center, period, by, spec=spec)
        codes = set(opts["metrics"].split(",")) if opts["metrics"] else None
        keys = selectors.keys_of(values)
        blocks = [
            (selectors.key_label(center, by, k), selectors.rows_for(values, k, spec, codes=codes, by=by)) for k in keys
        ]
        self.stdout.write(f"{center.name} · {period.label} · 按{selectors.BREAKDOWN_LABELS[by]}")
        header = f"{'分组':<12}{'代码':<10}{'指标':<16}{'数值':>12}  {'目标':<28}{'状态'}"
        self.stdout.write(header)
        self.stdout.write("-" * 90)
        for label, rows in blocks:
            for r in rows:
                if r.status == "na" and not r.num:
                    continue
                self.stdout.write(
                    f"{label[:10]:<12}{r.code:<10}{r.metric.name[:10]:<16}{r.shown:>12}  {r.target[:26]:<28}"
                    f"{xlsx.STATUS_LABELS[r.status]}"
                )
        if opts["xlsx"]:
            data = xlsx.workbook(f"{center.name} 指标报表", blocks, period_label=period.label)
            with open(opts["xlsx"], "wb") as fh:
                fh.write(data)
            self.stdout.write(f"已写入 {opts['xlsx']}")
