"""kefu import-calls FILE --format queue_log|csv [--mapping mapping.json] [--center CODE]"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from kefu.errors import RuleViolation
from kefu.org.models import Center
from kefu.telephony import services


class ProgressOut:
    """The command's stderr as the file tqdm writes to: tqdm ends its own lines (OutputWrapper would add a newline)."""

    def __init__(self, out):
        self.out = out

    def write(self, text: str) -> None:
        self.out.write(text, ending="")

    def flush(self) -> None:
        self.out.flush()


class Command(BaseCommand):
    help = "导入话务数据：Asterisk queue_log 或按字段映射的 CSV（整个文件全部导入或全部不导入；同一文件重复导入不新增记录）"

    def add_arguments(self, parser):
        parser.add_argument("file", help="要导入的文件")
        parser.add_argument("--format", choices=["queue_log", "csv"], default="queue_log", help="文件格式")
        parser.add_argument("--mapping", help="CSV 字段映射 JSON 文件（省略则列名与系统字段名相同）")
        parser.add_argument("--center", help="中心代码（省略则为第一个中心）")
        parser.add_argument("--no-refresh-kpis", dest="refresh_kpis", action="store_false", help="导入后不重算指标汇总")

    def handle(self, *args, file, format, mapping, center, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"文件不存在：{file}")
        target = Center.objects.filter(code=center).first() if center else Center.objects.order_by("id").first()
        if target is None:
            raise CommandError(
                f"中心不存在：{center}" if center else "还没有任何中心，请先运行 kefu seed-demo 或创建中心"
            )
        data = path.read_bytes()
        quiet = options.get("verbosity", 1) == 0
        try:
            if format == "queue_log":
                total = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
                with tqdm(
                    total=total, unit="行", desc="解析 queue_log", disable=quiet, file=ProgressOut(self.stderr)
                ) as bar:
                    outcome = services.import_queue_log(target, file_name=path.name, data=data, progress=bar.update)
            else:
                mapping_data = None
                if mapping:
                    try:
                        mapping_data = json.loads(Path(mapping).read_text(encoding="utf-8"))
                    except (OSError, json.JSONDecodeError) as exc:
                        raise CommandError(f"无法读取字段映射 {mapping}：{exc}") from None
                rows = max(data.count(b"\n") - 1, 0)
                with tqdm(
                    total=rows, unit="行", desc="写入 CSV 通话", disable=quiet, file=ProgressOut(self.stderr)
                ) as bar:
                    outcome = services.import_csv(
                        target, file_name=path.name, data=data, mapping=mapping_data, progress=bar.update
                    )
        except RuleViolation as exc:
            for p in exc.problems:
                self.stderr.write(p.message)
            raise CommandError(f"导入失败，未导入任何记录（{len(exc.problems)} 处错误）") from None
        if outcome.duplicate:
            self.stdout.write(
                f"该文件已于 {outcome.batch.imported_at:%Y-%m-%d %H:%M} 导入过（{outcome.batch.file_name}），未新增任何记录"
            )
            return
        for note in outcome.notes:
            self.stdout.write(note)
        if options.get("refresh_kpis", True):
            rows = services.refresh_kpis(outcome)
            if rows:
                self.stdout.write(f"已重算指标汇总 {rows} 行")
        self.stdout.write(
            f"已导入 {path.name}：{outcome.batch.rows} 行，新增通话 {outcome.calls_created}，"
            f"已存在而跳过 {outcome.skipped_existing}，签入时段 {outcome.sessions}，小休 {outcome.pauses}，"
            f"待下个文件补全 {outcome.pending} 行"
        )
