"""Standard phrases: rendering of placeholders, greeting by time of day, farewell on weekends/holidays."""

from datetime import datetime

import pytest

from kefu.knowledge.phrases import check
from kefu.knowledge.standard_phrases import DEFAULT_PHRASES, MissingValue, farewell, greeting, placeholders, render


def _text(code):
    return next(p["text"] for p in DEFAULT_PHRASES if p["code"] == code)


def test_surname_and_title_placeholder():
    # 004:L2269: "X先生/小姐,发生这件事,我觉得十分抱歉,但我会马上尽力补救,尽力帮您解决这个问题。"
    assert (
        render(_text("apology_remedy"), {"surname": "王", "title": "女士"})
        == "王女士，发生这件事，我觉得十分抱歉，但我会马上尽力补救，尽力帮您解决这个问题。"
    )
    # Unknown name: the seed's own "先生/小姐" (004:L1227).
    assert render(_text("apology_calm"), {}) == "先生/小姐，我非常抱歉。"
    assert render(_text("apology_calm"), {"surname": "李"}) == "李先生/小姐，我非常抱歉。"


def test_complaint_closing_with_hours():
    # 004:L1247: reply within 2 hours (simple) / 24 hours (complex).
    assert (
        render(_text("complaint_accept"), {"surname": "张", "title": "先生", "hours": "2"})
        == "很抱歉，张先生，多谢您反映的意见，我们会尽快向上级部门反映，并在2小时内给您明确的答复，再见！"
    )


def test_staff_number_only():
    # 004:L1229: asked for the name, the agent gives the staff number.
    assert render(_text("ask_staff_name"), {"staff_no": "1024"}) == "对不起，我的工号是1024号。"


def test_escalation_to_supervisor():
    # 004:L2283
    out = render(_text("escalate_supervisor"), {"surname": "赵", "title": "小姐", "supervisor": "刘"})
    assert out == "赵小姐，这件事请恕我无法帮助您，不过我可以请我的上司刘先生/小姐跟您谈谈，好吗？"


def test_missing_value_and_bad_title():
    with pytest.raises(MissingValue) as err:
        render(_text("refuse_because"), {"surname": "王"})
    assert err.value.name == "reason" and "理由" in str(err.value)
    with pytest.raises(ValueError):
        render(_text("apology_calm"), {"surname": "王", "title": "老板"})


def test_placeholders_listed_in_order():
    assert placeholders(_text("complaint_accept")) == ("surname", "title", "hours")
    assert placeholders(_text("greet")) == ()


@pytest.mark.parametrize(
    "hour,minute,expected",
    [(0, 0, "早上好"), (9, 30, "早上好"), (11, 59, "早上好"), (12, 0, "您好"), (12, 30, "您好"), (20, 0, "您好")],
)
def test_greeting_by_time_of_day(hour, minute, expected):
    # 004:L1087: 0:00-12:00 → 早上好!; afternoon and evening → 您好!
    assert greeting(datetime(2026, 5, 4, hour, minute)).startswith(expected)


def test_vip_greeting():
    assert (
        greeting(datetime(2026, 5, 4, 9, 0), vip=True) == "您好！这里是贵宾服务专线，请问有什么可以帮助您？"
    )  # 004:L1085


def test_farewell_weekend_and_holiday():
    # 004:L1093
    assert farewell() == "再见！"
    assert farewell(weekend=True) == "祝您周末愉快！再见！"
    assert farewell(holiday="国庆节") == "祝您国庆节愉快！再见！"


def test_every_standard_phrase_cites_a_seed_and_passes_the_checker():
    for p in DEFAULT_PHRASES:
        assert p["seed_line"], p["code"]
        values = {
            n: "王" if n in ("surname", "supervisor") else ("先生" if n == "title" else "1")
            for n in placeholders(p["text"])
        }
        assert check(render(p["text"], values)) == [], p["code"]
