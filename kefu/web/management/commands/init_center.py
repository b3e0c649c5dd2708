"""Create a production center and its first administrator: `kefu init-center --code gz12345 --name ...`."""

import getpass
import os

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from kefu.errors import RuleViolation
from kefu.org import services
from kefu.org.models import Center, Policy


class Command(BaseCommand):
    help = "创建中心（选择制度预设）和第一个管理员账号；密码从 KEFU_ADMIN_PASSWORD 读取或交互输入。"

    def add_arguments(self, parser):
        parser.add_argument("--code", required=True, help="中心代码（字母数字）")
        parser.add_argument("--name", required=True, help="中心名称")
        parser.add_argument("--preset", default="hotline", choices=list(Policy.Preset.values))
        parser.add_argument("--time-zone", default="Asia/Shanghai")
        parser.add_argument("--admin-staff-no", required=True)
        parser.add_argument("--admin-name", default="系统管理员")
        parser.add_argument("--admin-username", default="admin")

    def handle(self, *args, **o):
        if Center.objects.filter(code=o["code"]).exists():
            raise CommandError(f"中心 {o['code']} 已存在")
        password = os.environ.get("KEFU_ADMIN_PASSWORD") or getpass.getpass("管理员密码（至少8位）：")
        if len(password) < 8:
            raise CommandError("管理员密码至少8位")
        try:
            with transaction.atomic():
                center = services.create_center(o["code"], o["name"], preset=o["preset"])
                Center.objects.filter(pk=center.pk).update(time_zone=o["time_zone"])
                staff = services.create_staff(
                    center,
                    staff_no=o["admin_staff_no"],
                    name=o["admin_name"],
                    roles=["admin"],
                    username=o["admin_username"],
                    password=password,
                )
                User.objects.filter(pk=staff.user_id).update(is_staff=True, is_superuser=True)
        except RuleViolation as exc:
            raise CommandError(str(exc))
        self.stdout.write(
            self.style.SUCCESS(
                f"已创建中心“{o['name']}”（{o['preset']} 预设）和管理员 {o['admin_username']}（工号 {o['admin_staff_no']}）"
            )
        )
