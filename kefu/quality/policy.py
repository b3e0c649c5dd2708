"""Quality-inspection rules as policy data (read with kefu.org.policy.policy_for("quality", center)).

Values cite the seed lines they come from; the ones the seeds leave open are marked "assumption".
The shifts a QA summary covers are the center's shift calendar (kefu/workcal/policy.py), not a list of their own.
"""

from __future__ import annotations

from pydantic import Field

from kefu.org.policy_types import Bool, Int, List, Num, PolicyModel, Text

SECTION = "quality"


def _item(key, section, label, points, seed, critical=False):
    return {"key": key, "section": section, "label": label, "points": points, "critical": critical, "seed": seed}


# The textbook names what QA checks (004:L643–647, L943) and the call norms (004:L1045–1079, L1257–1269),
# but gives no point values ("评分方法" only, 004:L1535): the weights are ours and editable.
HOTLINE_FORM = {
    "code": "hotline-call",
    "name": "热线服务质量监听评分表",
    "items": [
        _item("greeting", "开场与礼仪", "主动问候并报工号", 10, "004:L1059, L1083"),
        _item("voice", "开场与礼仪", "普通话清晰，语速适中（约每分钟120字），语调柔和", 10, "004:L1053, L1061"),
        _item("attitude", "服务态度", "服务态度热情耐心，不推诿", 15, "004:L943, L1067"),
        _item("polite", "服务态度", "使用礼貌用语，无服务忌语", 15, "004:L1171, L1257"),
        _item("hold", "服务态度", "让客户等待前征得同意，恢复后致歉", 5, "004:L1213–1215"),
        _item("accuracy", "业务处理", "业务解答准确、熟练", 20, "004:L645, L1077"),
        _item("restate", "业务处理", "提交前复述客户问题并确认", 10, "004:L1267"),
        _item("understood", "业务处理", "确认客户已理解解释", 5, "004:L1249"),
        _item("timeliness", "业务处理", "业务处理时限符合要求", 5, "004:L645"),
        _item("closing", "结束语", "询问“还有什么可以帮助您”并道别", 5, "004:L1251, L1093"),
        _item("privacy", "红线", "泄露客户资料或业务密码", 0, "004:L697, L1071, L1207", critical=True),
        _item("abuse", "红线", "顶撞、指责或辱骂客户（五个不说）", 0, "004:L1171–1189", critical=True),
    ],
}

GOV12345_FORM = {
    "code": "gov12345-call",
    "name": "12345热线服务质量监听评分表",
    "items": [
        _item("greeting", "开场与礼仪", "主动问候并报工号", 10, "004:L1059"),
        _item("voice", "开场与礼仪", "普通话清晰，语速语调适中", 10, "004:L1053, L1061"),
        _item("attitude", "服务态度", "服务态度热情耐心，不推诿", 15, "004:L943, L1067"),
        _item("polite", "服务态度", "使用礼貌用语，无服务忌语", 10, "004:L1171, L1257"),
        _item("policy", "业务处理", "政策解答准确（补贴、贷款等政策口径）", 15, "004:L15–25"),
        _item("routing", "业务处理", "交办承办单位准确", 20, "004:L27–69"),
        _item("restate", "业务处理", "复述诉求并完整记录", 10, "004:L1267"),
        _item("closing", "结束语", "询问“还有什么可以帮助您”并道别", 10, "004:L1251"),
        _item("privacy", "红线", "泄露来电人信息", 0, "004:L697, L1071", critical=True),
        _item("abuse", "红线", "顶撞、指责或辱骂来电人", 0, "004:L1171–1189", critical=True),
    ],
}

# 002:L225 lists what the monitor checks: 服务用语、服务态度、语气语调、客户需求的归纳能力、接待客户应变能力.
ECOMMERCE_FORM = {
    "code": "ecommerce-service",
    "name": "服务质量综合考评表",
    "items": [
        _item("phrases", "服务", "服务用语", 20, "002:L225"),
        _item("attitude", "服务", "服务态度", 20, "002:L225"),
        _item("tone", "服务", "语气语调", 20, "002:L225"),
        _item("needs", "能力", "客户需求的归纳能力", 20, "002:L225"),
        _item("adapt", "能力", "接待客户应变能力", 20, "002:L225"),
        _item("privacy", "红线", "泄露客户资料", 0, "002:L10, L28", critical=True),
    ],
}

PRESETS = {
    "hotline": {
        "samples_per_agent_month": 5,  # 每个月可以被监听四到五次 (004:L1531)
        "min_samples_per_agent_month": 4,  # 004:L1531
        "min_talk_seconds": 30,  # assumption: calls shorter than this are not worth monitoring
        "appeal_days": 3,  # assumption: days an agent has to appeal a score
        "calibration_spread_warn": 10,  # assumption: points of spread above which a calibration is flagged
        "scorecard": HOTLINE_FORM,
    },
    "gov12345": {
        "samples_per_agent_month": 5,  # 004:L1531
        "min_samples_per_agent_month": 4,  # 004:L1531
        "min_talk_seconds": 30,
        "appeal_days": 3,
        "calibration_spread_warn": 10,
        "scorecard": GOV12345_FORM,
    },
    "ecommerce": {
        "samples_per_agent_month": 5,  # 每月每人监听不少于1-5次 (002:L225, ambiguous): the 004:L1531 figure
        "min_samples_per_agent_month": 1,  # 002:L225 "不少于1-5次" read as at least 1
        "min_talk_seconds": 30,
        "appeal_days": 3,
        "calibration_spread_warn": 10,
        "scorecard": ECOMMERCE_FORM,
    },
}


class ScoreItem(PolicyModel):
    """One item of the score sheet."""

    key: Text(min_length=1, max_length=40) = Field(description="评分项代码")
    section: Text(max_length=40) = Field(default="", description="所属部分")
    label: Text(min_length=1, max_length=200) = Field(description="评分项内容")
    points: Int(ge=0) = Field(description="分值（红线项为 0）")
    critical: Bool() = Field(default=False, description="是否红线项：违反则整通电话记 0 分")
    seed: Text() = Field(default="", description="依据（制度条文的位置）")


class Scorecard(PolicyModel):
    """The call-monitoring score sheet (004:L1045-1269; the weights are ours, 004:L1535 gives none)."""

    code: Text(min_length=1, max_length=40) = Field(description="评分表代码")
    name: Text(min_length=1, max_length=100) = Field(description="评分表名称")
    items: List(ScoreItem, min_length=1) = Field(description="评分项；非红线项的分值合计为 100")  # 004:L1531


class QualityPolicy(PolicyModel):
    """质检：监听次数、抽样条件、申诉期限、校准提示、评分表。"""

    samples_per_agent_month: Int(ge=1) = Field(description="每人每月监听次数")  # 004:L1531
    min_samples_per_agent_month: Int(ge=0) = Field(description="每人每月最少监听次数")  # 004:L1531, 002:L225
    min_talk_seconds: Int(ge=0) = Field(description="通话短于此秒数不抽检")  # not from the seeds
    appeal_days: Int(ge=0) = Field(description="座席对评分提出申诉的天数")  # not from the seeds
    calibration_spread_warn: Num(ge=0) = Field(description="校准评分的差距超过此分数时提示")  # not from the seeds
    scorecard: Scorecard = Field(description="监听评分表")  # 004:L1045-1269, 002:L225


MODEL = QualityPolicy


def validate(data: dict) -> list[tuple[str, str]]:
    from kefu.quality.scoring import validate_form

    errors: list[tuple[str, str]] = []
    per_agent = data.get("samples_per_agent_month")
    minimum = data.get("min_samples_per_agent_month")
    if not isinstance(per_agent, int) or per_agent < 1:
        errors.append(("samples_per_agent_month", "每人每月监听次数应为正整数"))
    elif not isinstance(minimum, int) or not 0 <= minimum <= per_agent:
        errors.append(("min_samples_per_agent_month", "最少监听次数应在 0 与每人每月监听次数之间"))
    if not isinstance(data.get("min_talk_seconds"), int) or data["min_talk_seconds"] < 0:
        errors.append(("min_talk_seconds", "最短通话时长应为不小于 0 的整数（秒）"))
    form = data.get("scorecard") or {}
    errors.extend((f"scorecard.{field}", msg) for field, msg in validate_form(form.get("items") or []))
    return errors
