"""manage.py policy_docs [--write]: docs/policies.md with its key tables generated from the section models."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from kefu.org.policy_docs import DOC, render


class Command(BaseCommand):
    help = "生成 docs/policies.md 的制度参数表（来自各分区的模型）；--write 写入文件，否则打印"

    def add_arguments(self, parser):
        parser.add_argument("--write", action="store_true", help="写入 docs/policies.md")

    def handle(self, *args, **options):
        text = render()
        if options["write"]:
            DOC.write_text(text, encoding="utf-8")
            self.stdout.write(f"已写入 {DOC}")
        else:
            self.stdout.write(text, ending="")
