"""kefu rotate-field-key [--verify]: every encrypted field written again under the first key of KEFU_FIELD_KEY."""

from __future__ import annotations

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError

from kefu.audit import crypto


class Command(BaseCommand):
    help = (
        "字段密钥轮换：用 KEFU_FIELD_KEY 的第一个密钥重新加密所有加密字段（客户姓名、电话、服务号码、地址，主叫号码），"
        "并用它重算查找摘要；旧密钥放在逗号后，轮换完成后即可删去。--verify 只检查是否还有旧密钥写的值"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--verify", action="store_true", help="不写入：统计仍需旧密钥才能读的值（应为 0 才能删去旧密钥）"
        )

    def handle(self, *args, verify: bool = False, **options):
        models = [m for m in apps.get_models() if crypto.encrypted_fields(m)]
        if verify:
            left = {m._meta.label: crypto.count_not_under_first_key(m) for m in models}
            for label, n in left.items():
                self.stdout.write(f"{label}：{n} 个值仍需旧密钥")
            if any(left.values()):
                raise CommandError("仍有值由旧密钥加密：请先运行 rotate_field_key（不带 --verify）")
            self.stdout.write("所有加密字段均由第一个密钥加密，可以从 KEFU_FIELD_KEY 删去旧密钥")
            return
        from kefu.audit.models import AuditRecord
        from kefu.audit.services import record

        written = {}
        for model in models:
            written[model._meta.label] = crypto.rekey_model(model)
            self.stdout.write(f"{model._meta.label}：已重新加密 {written[model._meta.label]} 行")
        record(
            None,
            AuditRecord.Action.WRITE,
            object_type="audit.field_key",
            ids=[],
            fields="field_key",
            channel=AuditRecord.Channel.CLI,
            note="字段密钥轮换：" + "，".join(f"{k} {v} 行" for k, v in written.items()),
        )
        self.stdout.write("完成。确认无误后可运行 rotate_field_key --verify，再从 KEFU_FIELD_KEY 删去旧密钥")
