"""The words of the calendar's warnings and problems: codes with parameters, rendered in the reader's language
when shown (the pure modules and the services keep only the code and its values)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

MESSAGES = {
    "workcal.year_not_covered": _("%(year)s 年的法定节假日安排尚未录入，期限按普通工作日计算，可能不准确"),
    "workcal.deadline_outdated": _("工作日历在此期限算出后已调整：按现在的日历，期限应为 %(due)s，请核对"),
    "workcal.arrangement.year_range": _("年份应在 %(min)s 到 %(max)s 之间"),
    "workcal.arrangement.too_large": _("文件不能超过 %(max)s KB"),
    "workcal.arrangement.encoding": _("无法识别文件编码，请另存为 UTF-8 或 GBK 编码的 CSV 文件"),
    "workcal.arrangement.empty": _("没有读到任何日期：每行应为“日期,类型,名称”，例如 2027-01-01,休,元旦"),
    "workcal.arrangement.too_many": _("一次最多录入 %(max)s 行，这里有 %(count)s 行"),
    "workcal.arrangement.columns": _("第 %(line)s 行：应为“日期,类型,名称”（名称可省略），这一行有 %(count)s 列"),
    "workcal.arrangement.date": _("第 %(line)s 行：日期“%(value)s”无法识别，应写成 2027-01-01 这样的格式"),
    "workcal.arrangement.date_range": _(
        "第 %(line)s 行：日期 %(day)s 不属于 %(year)s 年的安排（可填 %(start)s 至 %(end)s）"
    ),
    "workcal.arrangement.duplicate": _("第 %(line)s 行：日期 %(day)s 与第 %(first)s 行重复"),
    "workcal.arrangement.kind": _("第 %(line)s 行：类型“%(value)s”无效，应为“休”（放假）或“班”（调休上班）"),
    "workcal.arrangement.name_length": _("第 %(line)s 行：名称不能超过 %(max)s 个字符"),
    "workcal.year.nothing_entered": _("%(year)s 年还没有录入任何放假日，请先录入当年的法定节假日安排再确认"),
}


def shown(code: str, params: dict | None = None) -> str:
    """The message of `code` in the active language, with its values."""
    return str(MESSAGES[code]) % (params or {})


def warnings_out(warnings) -> list[dict]:
    """Deadline warnings for an API answer: code and parameters for programs, the message for people."""
    return [{"code": w.code, "params": dict(w.params), "message": shown(w.code, w.params)} for w in warnings]
