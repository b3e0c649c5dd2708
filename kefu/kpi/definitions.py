"""The textbook's metrics as data: 14 service standards (K1–K14, 004:L1289–1337) and 22 operational
metrics (M1–M22, 004:L1339–1757), plus the call counts M21 is broken into.

No Django import. `scale` turns numerator/denominator into the display unit (100 for percent,
1/60 for minutes). `source` says which records feed the metric: calls, agents (sessions/pauses/
schedules), calls+agents, orders (work orders), hr (staff), qa (monitoring scores).

Adding a metric: declare it here (code, name, formula, unit, seed line, hints); give it a target in
kpi/policy.py PRESETS (all three presets); add its (numerator, denominator) per record in
kpi/engine.py (_call_sums for calls, order_metrics, agent_metrics); add a hand-computed fixture test
citing its seed line. It must stay a ratio of sums so that rollups add up (tests/test_engine_properties).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction


@dataclass(frozen=True)
class Metric:
    code: str
    name: str
    formula: str
    unit: str  # "%", "秒", "分钟", "次", "通/小时", "分"
    source: str
    seed: str
    periods: str
    kind: str = "ratio"  # ratio (num/den) or count (num only)
    scale: Fraction = Fraction(100)
    group: str = "M"  # K = 服务标准, M = 运营指标, N = 话务量细分
    hints: tuple[str, ...] = field(default_factory=tuple)
    hint_seed: str = ""
    decision: str = ""  # how an ambiguity of the seed was settled (SPEC "Decisions" or this module)
    yearly: bool = False  # the target is a rate per year: judged only on a period of one year


PCT = Fraction(100)
ONE = Fraction(1)
PER_MIN = Fraction(1, 60)

METRICS: list[Metric] = [
    Metric(
        "K1",
        "热线系统接通率",
        "当月客户拨通热线的次数 ÷ 当月客户拨打热线的总次数 × 100%",
        "%",
        "calls",
        "004:L1301-1303",
        "月",
        group="K",
        decision="拨通 = 未遇忙音受阻（outcome ≠ blocked）",
    ),
    Metric(
        "K2",
        "人工台应答率",
        "当月人工应答的次数 ÷ 当月要求人工应答的呼入次数 × 100%；等待超过60秒未应答视为未应答",
        "%",
        "calls",
        "004:L1301,L1305",
        "月",
        group="K",
        decision="等待正好 60 秒仍算应答；超过 60 秒才算未应答",
    ),
    Metric("K3", "VIP人工台应答率", "同 K2，限 VIP 客户", "%", "calls", "004:L1301", "月", group="K"),
    Metric(
        "K4",
        "人工台应答超时率",
        "人工应答超时次数 ÷ 人工应答次数 × 100%；应答时限 15 秒",
        "%",
        "calls",
        "004:L1307",
        "月",
        group="K",
        decision="口径 A（默认）：分母 = 全部人工应答（含 60 秒后应答）；口径 B：只计 60 秒内应答。等待正好 15 秒不算超时",
    ),
    Metric("K5", "VIP人工台应答超时率", "同 K4，限 VIP 客户", "%", "calls", "004:L1307", "月", group="K"),
    Metric(
        "K6",
        "客户咨询回复率",
        "当月对客户咨询回复的数量 ÷ 当月客户咨询的总数量 × 100%",
        "%",
        "orders",
        "004:L1309-1311",
        "月",
        group="K",
        decision="按受理月份归集（cohort），回复可在次月",
    ),
    Metric(
        "K7",
        "客户投诉回复率",
        "当月客户投诉回复的数量 ÷ 当月客户投诉的总数量 × 100%",
        "%",
        "orders",
        "004:L1313-1315",
        "月",
        group="K",
    ),
    Metric(
        "K8",
        "客户咨询回复及时率",
        "当月在规定时间内对客户咨询回复的数量 ÷ 当月客户咨询的总数量 × 100%",
        "%",
        "orders",
        "004:L1317-1319",
        "月",
        group="K",
        decision="规定时间 = 工单的回复时限；工单没有时限时取制度参数 consultation_reply_hours",
    ),
    Metric(
        "K9",
        "客户投诉回复及时率",
        "当月在规定时间内客户投诉回复的数量 ÷ 当月客户投诉的总数量 × 100%",
        "%",
        "orders",
        "004:L1317,L1321",
        "月",
        group="K",
        decision="规定时间 = 投诉等级时限",
    ),
    Metric(
        "K10",
        "客户重复投诉率",
        "当月重复投诉事件总和 ÷ (当月投诉事件总和 − 当月重复投诉事件总和) × 100%",
        "%",
        "orders",
        "004:L1323-1327",
        "月",
        group="K",
        decision="分母为投诉事件总数减去重复投诉数（照教材原式）",
    ),
    Metric(
        "K11",
        "客户咨询满意率",
        "当月咨询客户满意的数量 ÷ 当月客户咨询的总数量 × 100%",
        "%",
        "orders",
        "004:L1329-1331",
        "月",
        group="K",
        decision="分母为全部咨询，而非参与调查的客户",
    ),
    Metric(
        "K12",
        "客户投诉满意率",
        "当月投诉客户满意的数量 ÷ 当月客户投诉的总数量 × 100%",
        "%",
        "orders",
        "004:L1333",
        "月",
        group="K",
    ),
    Metric(
        "K13",
        "客户跨省投诉满意率",
        "当月跨省投诉客户满意的数量 ÷ 当月客户跨省投诉的总数量 × 100%",
        "%",
        "orders",
        "004:L1335",
        "月",
        group="K",
    ),
    Metric(
        "K14",
        "大客户投诉满意率",
        "当月投诉的大客户满意的数量 ÷ 当月大客户投诉的总数量 × 100%",
        "%",
        "orders",
        "004:L1337",
        "月",
        group="K",
    ),
    Metric(
        "M1",
        "实际工作率",
        "话务员联入系统准备回答电话的实际时间 ÷ 按计划应当回答电话的总时间 × 100%",
        "%",
        "agents",
        "004:L1343-1349",
        "日报，周、月跟踪",
        hints=("培训不足", "督导人员太少", "员工误解规定", "缺勤率高", "脱机工作过多", "更好地使用排班管理系统软件"),
        hint_seed="004:L1353-1357",
        decision="准备时间 = 登录时间（多队列合并）− 小休时间；按午夜切分",
    ),
    Metric(
        "M2",
        "事后处理时间",
        "每通电话结束后完成事后处理的平均时间",
        "秒",
        "calls",
        "004:L1359-1365",
        "日、周、月，按班组或个人",
        scale=ONE,
        hints=(
            "每小时张贴目标直到改善",
            "调整设备",
            "复查事后处理步骤",
            "通话中录入数据",
            "用监听找出需再培训的话务员",
            "新员工较慢属正常",
            "质疑新增数据项",
            "排查技术原因",
        ),
        hint_seed="004:L1369-1391",
    ),
    Metric(
        "M3",
        "平均放弃时间",
        "放弃电话的等待时间之和 ÷ 放弃电话数",
        "秒",
        "calls",
        "004:L1393-1399",
        "日、周",
        scale=ONE,
        decision="参考值 60 秒，不判定达标；教材建议追踪放弃率",
    ),
    Metric(
        "M4",
        "平均处理时间",
        "(通话时间 + 事后处理时间) ÷ 应答电话数",
        "分钟",
        "calls",
        "004:L1407-1413",
        "日算，周、月汇总",
        scale=PER_MIN,
        decision="目标 T（默认 6 分钟）±15% 为达标；3–10 分钟之内但超出 T±15% 为预警",
    ),
    Metric(
        "M5",
        "平均持线时间",
        "持线时间之和 ÷ 有持线的应答电话数",
        "秒",
        "calls",
        "004:L1423-1429",
        "日、周、月",
        scale=ONE,
        hints=("信息查找不便", "培训不足", "系统响应慢", "缺少访问权限"),
        hint_seed="004:L1433-1441",
        decision="分母为有持线的电话",
    ),
    Metric(
        "M6",
        "平均振铃次数",
        "应答前振铃次数之和 ÷ 应答（人工或IVR）电话数",
        "次",
        "calls",
        "004:L1443-1449",
        "日",
        scale=ONE,
    ),
    Metric(
        "M7",
        "平均排队时间",
        "排队后被应答电话的排队时间之和 ÷ 排队后被应答的电话数",
        "秒",
        "calls",
        "004:L1457-1463",
        "日、周、月，按呼叫类型",
        scale=ONE,
        decision="排队时间为零意味着话务员空等，不经济",
    ),
    Metric(
        "M8",
        "平均应答速度",
        "总排队时间 ÷ 所回答的总电话数",
        "秒",
        "calls",
        "004:L1477-1483",
        "每半小时",
        scale=ONE,
        hints=("事后处理时间超标", "持线时间超标", "话务预测不准", "计划遵守度不足"),
        hint_seed="004:L1487-1489",
        decision="默认只计应答电话的排队时间；比值为总和之比",
    ),
    Metric(
        "M9",
        "平均交谈时间",
        "通话时间之和 ÷ 应答电话数（含转接）",
        "秒",
        "calls",
        "004:L1491-1497",
        "周、月",
        scale=ONE,
    ),
    Metric(
        "M10",
        "每小时呼叫次数",
        "话务员应答电话数 ÷ 登录电话系统的小时数",
        "通/小时",
        "calls+agents",
        "004:L1513-1523",
        "日，按话务员",
        scale=ONE,
    ),
    Metric("M11", "监听分值", "质检员监听评分的平均分", "分", "qa", "004:L1525-1537", "每人每月 4–5 通", scale=ONE),
    Metric(
        "M12",
        "占线率",
        "(通话时间 + 持线时间) ÷ (通话时间 + 持线时间 + 闲置时间) × 100%",
        "%",
        "calls+agents",
        "004:L1539-1545",
        "按班组、话务员",
        decision="闲置 = 准备时间 − 通话 − 持线 − 事后处理（不小于 0）；事后处理不计入公式",
    ),
    Metric(
        "M13",
        "呼叫放弃率",
        "放弃电话数 ÷ 全部接通电话数 × 100%（剔除短时放弃）",
        "%",
        "calls",
        "004:L1551-1557",
        "日、周、月，每天张贴数次",
        hints=("等待时间过长", "话务预测不准", "持线过长", "溢出人员安排", "每天多次张贴", "1–5 秒挂机多为误拨"),
        hint_seed="004:L1567-1583",
        decision="短时放弃（≤20 秒）从分子分母同时剔除；超时/空队列/按键退出不算放弃",
    ),
    Metric(
        "M14",
        "出勤率",
        "班组实际工作的人数 ÷ 计划工作的人数 × 100%",
        "%",
        "agents",
        "004:L1585-1591",
        "日",
        decision="按人·日计",
    ),
    Metric(
        "M15",
        "忙音率",
        "遇忙音受阻的电话数 ÷ 全部拨打次数 × 100%（重拨去重）",
        "%",
        "calls",
        "004:L1599-1605,L1617-1621",
        "每小时",
        hints=("溢出到其他服务商", "增加人员", "再培训", "调查受阻客户"),
        hint_seed="004:L1609-1623",
        decision="同一号码在去重窗口内再次受阻的重拨，从分子分母同时剔除",
    ),
    Metric(
        "M16",
        "首次解决率",
        "一次解决的应答电话数 ÷ 有处理结果的应答电话数 × 100%",
        "%",
        "calls",
        "004:L1625-1631",
        "日，按话务员和中心",
    ),
    Metric("M17", "队列放置率", "列入排队的电话数 ÷ 中心接到的所有电话数 × 100%", "%", "calls", "004:L1641-1647", "周"),
    Metric(
        "M18",
        "转接呼叫率",
        "被转接的电话数 ÷ 应答电话数 × 100%",
        "%",
        "calls",
        "004:L1653-1659",
        "日、周、月",
        hints=("采用技能路由软件", "督导报告并制定计划"),
        hint_seed="004:L1663-1677",
    ),
    Metric(
        "M19",
        "已复电话百分比",
        "回答过的电话数 ÷ 所有接入的电话数 × 100%",
        "%",
        "calls",
        "004:L1679-1685",
        "日",
        hints=("人员不足", "预测不准", "排班不当", "遵守度低", "处理时间长"),
        hint_seed="004:L1689-1701",
        decision="接入 = 进入人工排队（不含受阻和 IVR 自助）",
    ),
    Metric(
        "M20",
        "服务水平",
        "回答时间少于X秒的电话数 ÷ 接入电话总数 × 100%（剔除短时放弃）",
        "%",
        "calls",
        "004:L1703-1709",
        "持续监控",
        hints=("低于目标：预测、遵守度、排班、午餐时间安排", "高于目标过多：可能人员过剩"),
        hint_seed="004:L1713-1721",
        decision="严格少于 X 秒（默认 20 秒），正好 20 秒不计",
    ),
    Metric(
        "M21",
        "总呼叫数",
        "进入中心的全部电话，含受阻、放弃和应答",
        "次",
        "calls",
        "004:L1723-1731",
        "小时、日、周、月",
        kind="count",
        scale=ONE,
    ),
    Metric(
        "M22",
        "话务员流动率",
        "期内离职的话务员数 ÷ 期初全职话务员总数 × 100%",
        "%",
        "hr",
        "004:L1739-1745",
        "月、季、年",
        hints=("离职面谈", "关注督导、环境和压力而非工资", "流动率过低也是警示"),
        hint_seed="004:L1749-1757",
        yearly=True,
        decision="15–30% 为年度目标，只在一年（365 或 366 天）的统计周期上判定；较短的周期显示期内流动率（期内离职数 ÷ 期初人数），只作参考",
    ),
    Metric(
        "MISDIAL",
        "疑似误拨占比",
        "等待 1–5 秒即挂机的放弃电话 ÷ 放弃电话数 × 100%",
        "%",
        "calls",
        "004:L1577",
        "日",
        group="N",
        hints=("大量 1–5 秒挂机属误拨问题，不是排队问题",),
        hint_seed="004:L1577",
    ),
]

# The parts of M21 (004:L1725: total = answered + abandoned + blocked; timeouts/empty/exit-key/IVR as their own counts).
COUNTS = [
    ("N_ANSWERED", "人工应答数", "answered"),
    ("N_ABANDONED", "放弃数", "abandoned"),
    ("N_BLOCKED", "受阻数", "blocked"),
    ("N_TIMEOUT", "排队超时退出数", "timeout"),
    ("N_EMPTY", "空队列退出数", "empty"),
    ("N_EXIT_KEY", "按键退出数", "exit_key"),
    ("N_IVR", "IVR自助完成数", "ivr"),
    ("N_SHORT_ABANDON", "短时放弃数", None),
]
for _code, _name, _outcome in COUNTS:
    METRICS.append(
        Metric(
            _code,
            _name,
            f"{_name}（M21 的组成）",
            "次",
            "calls",
            "004:L1725",
            "小时、日、周、月",
            kind="count",
            scale=ONE,
            group="N",
        )
    )

# Metrics of the queue (calls that reached no agent are in them): not attributable to a team or an agent,
# so they are reported for the center, a queue, a call type or VIP only.
QUEUE_LEVEL = frozenset(
    {"K1", "K2", "K3", "M3", "M13", "M15", "M17", "M19", "M20", "M21", "MISDIAL"}
    | {code for code, _, outcome in COUNTS if outcome != "answered"}
)
PEOPLE_BREAKDOWNS = ("team", "agent")

BY_CODE: dict[str, Metric] = {m.code: m for m in METRICS}
OUTCOMES = ("answered", "abandoned", "blocked", "timeout", "empty", "exit_key", "ivr")
BREAKDOWNS = {
    "center": "全中心",
    "team": "班组",
    "agent": "话务员",
    "call_type": "呼叫类型",
    "vip": "VIP",
    "queue": "队列",
}
YEAR_DAYS = (365, 366)  # a period this long is a year: a yearly target (M22) is judged on it


def judged_on(metric: Metric, period_days: int | None) -> bool:
    """Whether a metric's target applies to a period of this many days (None: not known, judged as before)."""
    return not metric.yearly or period_days is None or period_days in YEAR_DAYS


PERIOD_KINDS = {"half_hour": "半小时", "hour": "小时", "day": "日", "week": "周", "month": "月", "range": "自定义区间"}
