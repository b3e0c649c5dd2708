"""The demo center's organisation: the `hotline` preset, about 35 staff in every role.

Every account's password is DEMO_PASSWORD; usernames say the role (agent1, dispatcher1, ...).
"""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import User

from kefu.org import services
from kefu.org.models import Center, Department, Skill, Staff, Team
from kefu.org.roles import Role

DEMO_PASSWORD = "kefu-demo"

SKILLS = [
    ("vip", "VIP/大客户"),
    ("complaint", "投诉处理"),
    ("english", "英语"),
    ("broadband", "宽带业务"),
    ("billing", "资费账务"),
]

# (code, name, kind)
DEPARTMENTS = [
    ("callcenter", "呼叫中心一线", Department.Kind.FRONT_LINE),
    ("backoffice", "后台受理组", Department.Kind.BACK_OFFICE),
    ("billing", "计费结算部", Department.Kind.SUPPORT),
    ("network", "网络维护部", Department.Kind.SUPPORT),
    ("marketing", "市场经营部", Department.Kind.SUPPORT),
    ("province", "省客服中心", Department.Kind.SUPPORT),
    ("management", "中心管理层", Department.Kind.MANAGEMENT),
]

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = [
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀英",
    "霞",
    "平",
    "刚",
    "桂英",
    "婷",
    "雪",
    "慧",
    "琳",
    "浩",
    "宇",
    "欣",
    "晨",
]


def _name(i: int) -> str:
    return SURNAMES[i % len(SURNAMES)] + GIVEN[(i * 7) % len(GIVEN)]


def build(center: Center | None, rng, out) -> Center:
    """Create (idempotently) the demo center and its people. Returns the center."""
    center = services.create_center("demo", "示范热线客服中心")
    skills = {code: Skill.objects.get_or_create(code=code, defaults={"name": name})[0] for code, name in SKILLS}
    depts = {
        code: Department.objects.get_or_create(center=center, code=code, defaults={"name": name, "kind": kind})[0]
        for code, name, kind in DEPARTMENTS
    }
    teams = {
        code: Team.objects.get_or_create(
            center=center, code=code, defaults={"name": name, "department": depts["callcenter"]}
        )[0]
        for code, name in [("team-a", "一班"), ("team-b", "二班"), ("team-c", "三班")]
    }
    counter = iter(range(1000))

    def person(username, roles, dept, team=None, level=Staff.Level.REGULAR, skill_codes=(), superuser=False):
        i = next(counter)
        existing = Staff.objects.filter(user__username=username).first()
        if existing:
            return existing
        staff = services.create_staff(
            center,
            staff_no=str(1001 + i),
            name=_name(i),
            roles=[r.value for r in roles],
            username=username,
            password=DEMO_PASSWORD,
            department=depts[dept],
            team=team,
            level=level,
            skills=[skills[c] for c in skill_codes],
            check_password=False,
        )  # the demo's public password, on purpose
        staff.hired_on = date(2020 + i % 6, 1 + i % 12, 1 + i % 27)
        staff.save(update_fields=["hired_on"])
        if superuser:
            User.objects.filter(pk=staff.user_id).update(is_staff=True, is_superuser=True)
        return staff

    person("admin", [Role.ADMIN], "management", superuser=True)
    manager = person("manager1", [Role.MANAGER], "management", level=Staff.Level.EXPERT)
    person("hr1", [Role.HR], "management")
    person("auditor1", [Role.AUDITOR], "management")
    person("supervisor1", [Role.SUPERVISOR], "callcenter", level=Staff.Level.EXPERT, skill_codes=["complaint", "vip"])
    person("supervisor2", [Role.SUPERVISOR], "callcenter", level=Staff.Level.EXPERT, skill_codes=["complaint"])
    for n, code in enumerate(teams, start=1):
        lead = person(f"teamlead{n}", [Role.TEAM_LEAD], "callcenter", teams[code], Staff.Level.SENIOR, ["complaint"])
        Team.objects.filter(pk=teams[code].pk).update(lead=lead)
    person("qa1", [Role.QA], "callcenter", level=Staff.Level.SENIOR)
    person("qa2", [Role.QA], "callcenter", level=Staff.Level.SENIOR)
    person("editor1", [Role.EDITOR], "callcenter", level=Staff.Level.SENIOR)
    person("dispatcher1", [Role.DISPATCHER], "backoffice", level=Staff.Level.SENIOR, skill_codes=["complaint"])
    person("dispatcher2", [Role.DISPATCHER], "backoffice", level=Staff.Level.SENIOR, skill_codes=["complaint"])
    for n, code in enumerate(["billing", "network", "marketing", "province"], start=1):
        handler = person(f"handler{n}", [Role.DEPT_HANDLER], code)
        leader = person(f"leader{n}", [Role.DEPT_HANDLER], code, level=Staff.Level.EXPERT)
        Department.objects.filter(pk=depts[code].pk).update(liaison=handler, leader=leader, executive=manager)
    team_codes = list(teams)
    for n in range(1, 4):
        person(
            f"senior{n}",
            [Role.SENIOR_AGENT],
            "callcenter",
            teams[team_codes[n - 1]],
            Staff.Level.SENIOR,
            ["vip", "complaint"],
        )
    for n in range(1, 13):
        extra = ["english"] if n % 5 == 0 else (["broadband"] if n % 3 == 0 else [])
        person(
            f"agent{n}",
            [Role.AGENT],
            "callcenter",
            teams[team_codes[(n - 1) % 3]],
            Staff.Level.JUNIOR if n > 8 else Staff.Level.REGULAR,
            ["billing", *extra],
        )
    out.write(f"  组织：{Staff.objects.filter(center=center).count()} 名员工，{len(depts)} 个部门，{len(teams)} 个班组")
    return center
