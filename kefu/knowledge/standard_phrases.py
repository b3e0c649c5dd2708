"""Standard phrases (标准用语) by situation, with placeholders, and their rendering. Pure (no Django).

Placeholders: {surname}先生/小姐 (the customer's surname and a chosen title; 004:L2259-2283 writes
"X先生/小姐"), {staff_no} (工号, 004:L1229), {center} (center/shop name), {hours} (reply promise),
{amount}, {supervisor} (surname of the supervisor, 004:L2283), {reason}, {holiday}.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

SITUATIONS = {
    "welcome": "问候/欢迎",
    "waiting": "等候",
    "apology": "致歉/安抚",
    "refusal": "婉拒（说明理由）",
    "closing": "结束语",
    "escalation": "转主管",
    "complaint": "投诉处理",
    "return_visit": "回访",
    "special": "特殊情况",
}

TITLES = ("先生", "小姐", "女士")
TITLE_SLOT = "{surname}先生/小姐"
_PLACEHOLDER = re.compile(r"\{(\w+)\}")

DEFAULT_PHRASES: list[dict] = [
    # welcome
    {
        "code": "greet",
        "situation": "welcome",
        "title": "问候语",
        "text": "您好！请问有什么可以帮助您？",
        "seed_line": "004:L1083, 004:L1197",
    },
    {
        "code": "greet_vip",
        "situation": "welcome",
        "title": "VIP专线问候",
        "text": "您好！这里是贵宾服务专线，请问有什么可以帮助您？",
        "seed_line": "004:L1085",
    },
    {
        "code": "greet_morning",
        "situation": "welcome",
        "title": "早上问候（0:00-12:00）",
        "text": "早上好！请问有什么可以帮助您？",
        "seed_line": "004:L1087",
    },
    {
        "code": "greet_staffno",
        "situation": "welcome",
        "title": "报工号问候",
        "text": "您好，{center}，{staff_no}号为您服务。",
        "seed_line": "002:L378",
    },
    {
        "code": "greet_shop",
        "situation": "welcome",
        "title": "网店欢迎语",
        "text": "亲，您好！欢迎光临{center}，我是客服{staff_no}，非常高兴为您服务。",
        "seed_line": "001:L301",
    },
    # waiting
    {
        "code": "wait_ask",
        "situation": "waiting",
        "title": "请客户等候（先征求同意）",
        "text": "对不起，请您稍等片刻，好吗？",
        "seed_line": "004:L1213-1215",
    },
    {
        "code": "wait_back",
        "situation": "waiting",
        "title": "等候后回来",
        "text": "对不起，让您久等了。",
        "seed_line": "004:L1215",
    },
    {
        "code": "wait_thanks",
        "situation": "waiting",
        "title": "感谢耐心等待",
        "text": "非常感谢您的耐心等待。",
        "seed_line": "004:L1805",
    },
    {
        "code": "wait_slow",
        "situation": "waiting",
        "title": "客户嫌动作慢",
        "text": "对不起！让您久等了，我将尽快帮您处理。",
        "seed_line": "004:L1229",
    },
    # apology
    {
        "code": "apology_calm",
        "situation": "apology",
        "title": "平息怒气",
        "text": "{surname}先生/小姐，我非常抱歉。",
        "seed_line": "004:L2265",
    },
    {
        "code": "apology_heard",
        "situation": "apology",
        "title": "表示同感",
        "text": "{surname}先生/小姐，我听到这件事也觉得非常抱歉。",
        "seed_line": "004:L2267",
    },
    {
        "code": "apology_remedy",
        "situation": "apology",
        "title": "错在公司，保证补救",
        "text": "{surname}先生/小姐，发生这件事，我觉得十分抱歉，但我会马上尽力补救，尽力帮您解决这个问题。",
        "seed_line": "004:L2269",
    },
    {
        "code": "apology_understand",
        "situation": "apology",
        "title": "理解心情",
        "text": "{surname}先生/小姐，我也很明白您的心情。",
        "seed_line": "004:L2259",
    },
    {
        "code": "apology_forgive",
        "situation": "apology",
        "title": "请求谅解",
        "text": "对不起，请您原谅。",
        "seed_line": "004:L1239",
    },
    # refusal with reason
    {
        "code": "refuse_only_if",
        "situation": "refusal",
        "title": "只有在……情况下才可以",
        "text": "{surname}先生/小姐，真对不起，这件事只可以在{reason}情况下才可以。",
        "seed_line": "004:L2277",
    },
    {
        "code": "refuse_because",
        "situation": "refusal",
        "title": "无法办到，因为……",
        "text": "{surname}先生/小姐，真不好意思，请恕我们无法办到，因为{reason}。",
        "seed_line": "004:L2277",
    },
    {
        "code": "refuse_for_now",
        "situation": "refusal",
        "title": "暂时帮不了，因为……",
        "text": "{surname}先生/小姐，真不好意思，这件事只怕暂时帮不了您，因为{reason}。",
        "seed_line": "004:L2279",
    },
    {
        "code": "refuse_scope",
        "situation": "refusal",
        "title": "超出服务范围",
        "text": "很抱歉，这超出我们的服务范围，恐怕我不能帮助您。",
        "seed_line": "004:L1241",
    },
    {
        "code": "refuse_password",
        "situation": "refusal",
        "title": "不能查询密码",
        "text": "对不起，业务密码是您的个人保密资料，我们无法查询。",
        "seed_line": "004:L1207",
    },
    {
        "code": "refuse_no_solution",
        "situation": "refusal",
        "title": "暂无解决方案",
        "text": "对不起，我们暂时还没有解决方案。",
        "seed_line": "004:L1845",
    },
    # closing
    {
        "code": "close_anything",
        "situation": "closing",
        "title": "询问是否还有需要",
        "text": "请问还有什么可以帮助您？",
        "seed_line": "004:L1251",
    },
    {
        "code": "close_thanks_call",
        "situation": "closing",
        "title": "感谢来电",
        "text": "{surname}先生/小姐，谢谢您打电话来。",
        "seed_line": "004:L2281",
    },
    {"code": "close_bye", "situation": "closing", "title": "告别语", "text": "再见！", "seed_line": "004:L1093"},
    {
        "code": "close_holiday",
        "situation": "closing",
        "title": "周末/节假日告别",
        "text": "祝您{holiday}愉快！再见！",
        "seed_line": "004:L1093",
    },
    {
        "code": "close_pending",
        "situation": "closing",
        "title": "待回复的结束语",
        "text": "{surname}先生/小姐，我们的工作人员会尽快给您回复的，感谢您的来电，再见！",
        "seed_line": "002:L383",
    },
    # escalation
    {
        "code": "escalate_supervisor",
        "situation": "escalation",
        "title": "请上司接听",
        "text": "{surname}先生/小姐，这件事请恕我无法帮助您，不过我可以请我的上司{supervisor}先生/小姐跟您谈谈，好吗？",
        "seed_line": "004:L2283",
    },
    {
        "code": "escalate_contact",
        "situation": "escalation",
        "title": "请主管联系客户",
        "text": "对不起，您是否可以留下您的联系电话，由我们的主管与您联系处理，好吗？",
        "seed_line": "004:L1233",
    },
    {
        "code": "escalate_transfer",
        "situation": "escalation",
        "title": "转专人",
        "text": "有专人负责，我帮您转过去。",
        "seed_line": "004:L1851",
    },
    # complaint
    {
        "code": "complaint_accept",
        "situation": "complaint",
        "title": "投诉受理结束",
        "text": "很抱歉，{surname}先生/小姐，多谢您反映的意见，我们会尽快向上级部门反映，并在{hours}小时内给您明确的答复，再见！",
        "seed_line": "004:L1247, 004:L1255",
    },
    {
        "code": "complaint_attitude",
        "situation": "complaint",
        "title": "投诉服务态度",
        "text": "对不起，由于我们服务不周给您添麻烦了，请您原谅，您是否能将详细情况告诉我？",
        "seed_line": "004:L1231",
    },
    {
        "code": "complaint_error",
        "situation": "complaint",
        "title": "投诉工作差错",
        "text": "对不起，给您添麻烦了，我会将您反映的问题如实上报主管，并尽快核实处理，给您带来的不便，请您原谅！",
        "seed_line": "004:L1233",
    },
    {
        "code": "complaint_thanks",
        "situation": "complaint",
        "title": "感谢告知",
        "text": "谢谢您告诉我们，我们明白您的困难。",
        "seed_line": "004:L2243-2245",
    },
    {
        "code": "complaint_options",
        "situation": "complaint",
        "title": "提出解决办法",
        "text": "{surname}先生/小姐，这其实是最好的解决方法，不过如您认为不方便的话，我建议{reason}，您看我们可不可以这样安排？",
        "seed_line": "004:L2273",
    },
    # return visit
    {
        "code": "visit_open",
        "situation": "return_visit",
        "title": "回访开场",
        "text": "您好，我是{center}的客服代表，请问您是{surname}先生/小姐吗？打扰您了。",
        "seed_line": "002:L396",
    },
    {
        "code": "visit_probe",
        "situation": "return_visit",
        "title": "满意时征询建议",
        "text": "您对我们的服务有什么建议吗？",
        "seed_line": "002:L397",
    },
    {
        "code": "visit_unsatisfied",
        "situation": "return_visit",
        "title": "不满意时了解原因",
        "text": "能否告诉我您对哪方面不满意吗？",
        "seed_line": "002:L398",
    },
    {
        "code": "visit_close",
        "situation": "return_visit",
        "title": "回访结束",
        "text": "感谢您的答复，您如果需要什么帮助，可随时跟我们取得联系，祝您工作愉快，再见！",
        "seed_line": "002:L400",
    },
    # special situations
    {
        "code": "silent_call",
        "situation": "special",
        "title": "无声电话",
        "text": "对不起，您的电话没有声音，请您换一部电话打来，好吗？再见！",
        "seed_line": "004:L1197",
    },
    {
        "code": "noisy_line",
        "situation": "special",
        "title": "杂音太大",
        "text": "对不起！您的电话杂音太大，听不清楚，请您换一部电话打来好吗？再见！",
        "seed_line": "004:L1201",
    },
    {
        "code": "ask_staff_name",
        "situation": "special",
        "title": "客户询问姓名",
        "text": "对不起，我的工号是{staff_no}号。",
        "seed_line": "004:L1229",
    },
    {
        "code": "arrears",
        "situation": "special",
        "title": "欠费停机",
        "text": "对不起，您有{amount}元的手机话费尚未结清，麻烦您尽快缴清话费，费用缴清后，我们会尽快为您开机。",
        "seed_line": "004:L1211",
    },
    {
        "code": "wrong_number",
        "situation": "special",
        "title": "打错电话",
        "text": "对不起，这里是{center}，请您查证后再拨。",
        "seed_line": "004:L1217",
    },
    {
        "code": "harassment",
        "situation": "special",
        "title": "骚扰电话",
        "text": "对不起，您的要求不在我们的服务范围内，请您挂机。",
        "seed_line": "004:L1239",
    },
]

LABELS = {
    "surname": "客户姓氏",
    "title": "称谓",
    "staff_no": "工号",
    "center": "中心/店铺名称",
    "hours": "答复时限（小时）",
    "amount": "金额",
    "supervisor": "上司姓氏",
    "reason": "理由/条件",
    "holiday": "节日（如：周末、国庆节）",
}


class MissingValue(ValueError):
    def __init__(self, name: str):
        self.name = name
        super().__init__(f"缺少占位符“{LABELS.get(name, name)}”（{{{name}}}）的取值")


@dataclass(frozen=True)
class Rendered:
    text: str
    placeholders: tuple[str, ...]


def placeholders(template: str) -> tuple[str, ...]:
    names = list(dict.fromkeys(_PLACEHOLDER.findall(template)))
    if TITLE_SLOT in template and "title" not in names:
        names.insert(names.index("surname") + 1 if "surname" in names else 0, "title")
    return tuple(names)


def render(template: str, values: dict[str, str]) -> str:
    """Fill the placeholders. "{surname}先生/小姐" becomes surname + title (先生/小姐/女士); without a
    surname it stays the polite "先生/小姐" the seeds use when the name is unknown (004:L1227)."""
    values = {k: str(v).strip() for k, v in (values or {}).items() if v is not None and str(v).strip() != ""}
    title = values.get("title")
    if title is not None and title not in TITLES:
        raise ValueError(f"称谓只能是：{'、'.join(TITLES)}")

    def slot(match: re.Match) -> str:
        surname = values.get("surname", "")
        if not surname:
            return title or "先生/小姐"
        return surname + (title or "先生/小姐")

    text = re.sub(r"\{surname\}先生/小姐", slot, template)
    text = re.sub(
        r"\{supervisor\}先生/小姐",
        lambda m: values.get("supervisor", "") + "先生/小姐" if values.get("supervisor") else "主管",
        text,
    )

    def fill(match: re.Match) -> str:
        name = match.group(1)
        if name not in values:
            raise MissingValue(name)
        return values[name]

    return _PLACEHOLDER.sub(fill, text)


def greeting(at: datetime, *, vip: bool = False) -> str:
    """The opening line: VIP line greeting (004:L1085); 早上好 from 0:00 to 12:00 (004:L1087); else 您好."""
    if vip:
        return "您好！这里是贵宾服务专线，请问有什么可以帮助您？"
    if at.hour < 12:
        return "早上好！请问有什么可以帮助您？"
    return "您好！请问有什么可以帮助您？"


def farewell(*, weekend: bool = False, holiday: str = "") -> str:
    """再见; on a weekend or holiday 祝您周末/XX节愉快 comes first (004:L1093)."""
    if holiday:
        return f"祝您{holiday}愉快！再见！"
    if weekend:
        return "祝您周末愉快！再见！"
    return "再见！"
