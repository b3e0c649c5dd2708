"""Pure scorecard arithmetic: the 100-point rule (004:L1531), critical items, calibration agreement."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

# Shared 2-core machine: no deadline, no too-slow health check (no timed assertions in tests).
RELAXED = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow], max_examples=60)

from kefu.quality import scoring
from kefu.quality.policy import PRESETS
from kefu.quality.scoring import FormItem, Mark

FORM = [
    FormItem("a", "问候报工号", 10),
    FormItem("b", "礼貌用语", 20),
    FormItem("c", "业务准确", 70),
    FormItem("x", "泄露客户资料", 0, critical=True),
]


def _dicts(points, critical=()):
    return [{"key": f"k{i}", "label": f"项{i}", "points": p, "critical": i in critical} for i, p in enumerate(points)]


def test_points_must_total_100():  # 百分制, 004:L1531
    assert scoring.validate_form(_dicts([40, 60])) == []
    errors = scoring.validate_form(_dicts([40, 59]))
    assert errors == [("items", "各评分项分值合计应为 100 分（百分制），当前合计 99 分")]
    assert scoring.validate_form(_dicts([40, 61]))[0][1].endswith("当前合计 101 分")


def test_form_item_errors_name_the_field():
    errors = dict(
        scoring.validate_form([{"key": "a", "label": "", "points": 100}, {"key": "a", "label": "重复", "points": 0}])
    )
    assert errors["items[0].label"] == "评分项名称不能为空"
    assert errors["items[1].key"] == "评分项代码重复：a"
    assert errors["items[1].points"] == "非红线项的分值必须大于 0"
    assert scoring.validate_form([]) == [("items", "评分表至少需要一个评分项")]
    assert dict(scoring.validate_form(_dicts([100, -1])))["items[1].points"] == "分值应为不小于 0 的整数"


def test_critical_item_with_zero_points_is_allowed():
    assert scoring.validate_form(_dicts([100, 0], critical={1})) == []


@pytest.mark.parametrize("preset", sorted(PRESETS))
def test_every_preset_form_totals_100(preset):  # 004:L1531
    assert scoring.validate_form(PRESETS[preset]["scorecard"]["items"]) == []


def test_score_sums_awarded_points():
    marks = {"a": Mark(10), "b": Mark(15), "c": Mark(62.5), "x": Mark(0)}
    result = scoring.score(FORM, marks)
    assert (result.total, result.raw_total, result.failed) == (87.5, 87.5, False)


def test_failed_critical_item_zeroes_the_call():
    marks = {"a": Mark(10), "b": Mark(20), "c": Mark(70), "x": Mark(0, failed=True)}
    result = scoring.score(FORM, marks)
    assert (result.total, result.raw_total, result.critical_failed) == (0.0, 100.0, ("x",))


def test_marks_out_of_range_or_missing_are_refused():
    errors = dict(scoring.mark_errors(FORM, {"a": Mark(11), "b": Mark(-1), "c": Mark(5, failed=True), "zz": Mark(1)}))
    assert errors["marks.a"] == "评分项「问候报工号」得分应在 0 到 10 分之间"
    assert errors["marks.b"] == "评分项「礼貌用语」得分应在 0 到 20 分之间"
    assert errors["marks.c"] == "评分项「业务准确」不是红线项，不能判为红线失败"
    assert errors["marks.x"] == "评分项「泄露客户资料」未评分"
    assert errors["marks.zz"] == "评分表中没有评分项 zz"
    with pytest.raises(ValueError):
        scoring.score(FORM, {"a": Mark(11)})


def test_calibration_agreement_hand_computed():
    sheets = [
        {"a": Mark(10), "b": Mark(20), "c": Mark(60), "x": Mark(0)},  # 90
        {"a": Mark(10), "b": Mark(15), "c": Mark(60), "x": Mark(0)},  # 85
        {"a": Mark(10), "b": Mark(20), "c": Mark(50), "x": Mark(0)},  # 80
    ]
    a = scoring.agreement(FORM, sheets)
    assert a.totals == (90.0, 85.0, 80.0)
    assert a.spread == 10.0
    assert a.stdev == 4.08  # sqrt((25 + 0 + 25) / 3)
    assert a.item_agreement == 0.5  # a and x agree, b and c do not
    assert a.disagreeing_items == ("b", "c")
    assert a.critical_agreement is True


def test_calibration_disagreeing_on_a_critical_item():
    ok = {"a": Mark(10), "b": Mark(20), "c": Mark(70), "x": Mark(0)}
    failed = {**ok, "x": Mark(0, failed=True)}
    a = scoring.agreement(FORM, [ok, failed])
    assert (a.spread, a.item_agreement, a.critical_agreement) == (100.0, 0.75, False)


def test_one_sheet_has_no_agreement_yet():
    a = scoring.agreement(FORM, [{"a": Mark(10), "b": Mark(20), "c": Mark(70), "x": Mark(0)}])
    assert (a.spread, a.item_agreement, a.critical_agreement) == (None, None, None)


@RELAXED
@given(st.lists(st.integers(min_value=0, max_value=10), min_size=4, max_size=4), st.booleans())
def test_score_stays_between_0_and_100(fractions, fail):
    marks = {
        item.key: Mark(round(item.points * f / 10, 2), failed=item.critical and fail)
        for item, f in zip(FORM, fractions)
    }
    result = scoring.score(FORM, marks)
    assert 0 <= result.total <= 100
    assert result.total == (0 if fail else result.raw_total)


def test_shift_windows_ending_in_a_period():  # 白班/夜班 (004:L763, L785); the night shift ends next morning
    from datetime import date, datetime

    from kefu.quality.shifts import ended_between, window

    shifts = [{"code": "day", "start": "08:00", "end": "18:00"}, {"code": "night", "start": "18:00", "end": "08:00"}]
    assert window(date(2026, 10, 8), "18:00", "08:00") == (datetime(2026, 10, 8, 18), datetime(2026, 10, 9, 8))
    assert window(date(2026, 10, 8), "16:00", "24:00") == (datetime(2026, 10, 8, 16), datetime(2026, 10, 9, 0))
    assert ended_between(shifts, datetime(2026, 10, 8, 17), datetime(2026, 10, 8, 18)) == [(date(2026, 10, 8), "day")]
    assert ended_between(shifts, datetime(2026, 10, 8, 18), datetime(2026, 10, 9, 7, 59)) == []  # start is exclusive
    assert ended_between(shifts, datetime(2026, 10, 8, 12), datetime(2026, 10, 9, 9)) == [
        (date(2026, 10, 8), "day"),
        (date(2026, 10, 8), "night"),
    ]


def test_policy_overrides_are_validated():  # the administrator edits the preset; 100 points stay the rule (004:L1531)
    from kefu.org.policy import validate_overrides

    bad_form = {"scorecard": {"items": [{"key": "a", "label": "甲", "points": 90}]}}
    assert ("quality.scorecard.items", "各评分项分值合计应为 100 分（百分制），当前合计 90 分") in validate_overrides(
        "hotline", {"quality": bad_form}
    )
    assert ("quality.samples_per_agent_month", "每人每月监听次数应为正整数") in validate_overrides(
        "hotline", {"quality": {"samples_per_agent_month": 0}}
    )
    assert ("quality.shifts", "未知的参数") in validate_overrides(  # the shifts are the shift calendar's
        "hotline", {"quality": {"shifts": [{"code": "day", "name": "白班", "start": "08:00", "end": "18:00"}]}}
    )
    assert validate_overrides("gov12345", {"quality": {"samples_per_agent_month": 4}}) == []
    assert ("training.pass_percent", "及格线应在 0 到 100 之间") in validate_overrides(
        "hotline", {"training": {"pass_percent": 120}}
    )
