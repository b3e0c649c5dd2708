"""Pure rules of outbound campaigns (004:L1001-1009 外呼话务员: questionnaires, periodic survey reports, retention
within one's authorisation), with hand-computed fixtures."""

from __future__ import annotations

from datetime import date

from kefu.followup import campaign_rules as cr


def test_questionnaire_text_round_trip_004_L1003():
    qs = cr.parse_questionnaire_text("对本次服务满意吗 | 满意 / 基本满意 / 不满意\n\n还有什么建议\n")
    assert qs == [
        {"key": "q1", "text": "对本次服务满意吗", "scale": ["满意", "基本满意", "不满意"]},
        {"key": "q2", "text": "还有什么建议", "scale": []},
    ]
    assert cr.parse_questionnaire_text(cr.questionnaire_text(qs)) == qs
    clean, issues = cr.check_questionnaire(qs)
    assert clean == qs and issues == []


def test_questionnaire_problems_name_the_question():
    assert [i.code for i in cr.check_questionnaire([])[1]] == ["followup.campaign.questionnaire.empty"]
    _, issues = cr.check_questionnaire(
        [{"text": "", "scale": []}, {"text": "是否续约", "scale": ["是"]}, {"text": "渠道", "scale": ["短信", "短信"]}]
    )
    assert [(i.code, i.params["n"]) for i in issues] == [
        ("followup.campaign.question.text", 1),
        ("followup.campaign.question.scale", 2),
        ("followup.campaign.question.scale", 3),
    ]
    _, issues = cr.check_questionnaire([{"text": f"问题{n}"} for n in range(cr.MAX_QUESTIONS + 1)])
    assert [i.code for i in issues] == ["followup.campaign.questionnaire.too_many"]


def test_answers_checked_against_the_scale():
    qs = cr.parse_questionnaire_text("满意吗 | 满意 / 不满意\n建议")
    clean, issues = cr.check_answers(qs, {"q1": "满意", "q2": " 没有 "})
    assert clean == {"q1": "满意", "q2": "没有"} and issues == []
    _, issues = cr.check_answers(qs, {"q1": "很好", "q9": "x"})
    assert [(i.field, i.code) for i in issues] == [
        ("answers.q9", "followup.campaign.answer.unknown"),
        ("answers.q1", "followup.campaign.answer.not_in_scale"),
        ("answers.q2", "followup.campaign.answer.missing"),
    ]
    _, issues = cr.check_answers(qs, {"q1": "满意", "q2": "长" * (cr.ANSWER_MAX + 1)})
    assert issues[0].code == "followup.campaign.answer.too_long" and issues[0].params["length"] == cr.ANSWER_MAX + 1


def test_call_list_names_row_and_column_and_keeps_one_entry_per_phone():
    rows = [
        ["姓名", "手机", "备注"],
        ["张三", "138 0013 8000", "老客户"],
        ["", "", ""],
        ["李四", "138-abc", ""],
        ["王五", "13800138000", "重复"],
        ["赵六", "+86 13900001111", ""],
    ]
    entries, issues = cr.parse_call_list(rows)
    # row numbers as the sheet shows them: the header is row 1, the blank row 3 is skipped but still counted
    assert [(i.code, i.params["row"], i.params["column"]) for i in issues] == [
        ("followup.campaign.upload.phone", 4, "手机")
    ]
    assert [(e.row, e.phone, e.name, e.note) for e in entries] == [
        (2, "13800138000", "张三", "老客户"),
        (6, "13900001111", "赵六", ""),
    ]


def test_call_list_header_and_size():
    assert cr.parse_call_list([])[1][0].code == "followup.campaign.upload.empty"
    assert (
        cr.parse_call_list([["姓名", "地址"], ["张三", "x"]])[1][0].code == "followup.campaign.upload.no_phone_column"
    )
    assert cr.parse_call_list([["电话"]])[1][0].code == "followup.campaign.upload.empty"
    many = [["电话"]] + [[f"1380000{n:04d}"] for n in range(cr.MAX_ROWS + 1)]
    assert cr.parse_call_list(many)[1][0].code == "followup.campaign.upload.too_many"
    _, issues = cr.parse_call_list([["电话", "姓名"], ["13800138000", "名" * 51]])
    assert issues[0].code == "followup.campaign.upload.too_long" and issues[0].params["column"] == "姓名"


def test_progress_counts_each_customer_once():
    # (state, attempts, reached, closure, refused at some attempt)
    targets = [
        ("open", 0, False, "", False),  # not called yet
        ("open", 2, False, "", False),  # called, not reached
        ("done", 1, True, "done", False),  # completed at the first call
        ("closed", 1, True, "refused", True),  # reached, refused
        ("done", 3, True, "done", True),
    ]  # refused once, then agreed later
    p = cr.progress(targets)
    assert (p.total, p.called, p.reached, p.completed, p.refused, p.closed) == (5, 4, 3, 2, 2, 1)
    assert p.percent(p.called) == 80.0 and p.percent(p.completed) == 40.0
    empty = cr.progress([])
    assert empty.total == 0 and empty.percent(empty.called) is None


def test_weekly_report_buckets_and_empty_weeks_004_L1003():
    # Mon 2026-11-30 .. Sun 2026-12-13 plus Mon 12-14: three weeks, the middle one without calls
    attempts = [
        (date(2026, 11, 30), 1, "no_answer"),
        (date(2026, 12, 1), 1, "reached"),
        (date(2026, 12, 2), 2, "refused"),
        (date(2026, 12, 6), 3, "reached"),
        (date(2026, 12, 14), 4, "busy"),
        (date(2026, 11, 29), 9, "reached"),
    ]  # before the range: ignored
    done = [(date(2026, 12, 1), 1), (date(2026, 12, 6), 3), (date(2026, 12, 20), 5)]  # after the range: ignored
    rows = cr.report(attempts, done, date(2026, 11, 30), date(2026, 12, 14), "week")
    assert [(r.start, r.called, r.attempts, r.reached, r.completed, r.refused) for r in rows] == [
        (date(2026, 11, 30), 3, 4, 2, 2, 1),
        (date(2026, 12, 7), 0, 0, 0, 0, 0),
        (date(2026, 12, 14), 1, 1, 0, 0, 0),
    ]
    days = cr.report(attempts, done, date(2026, 12, 1), date(2026, 12, 2), "day")
    assert [(r.start, r.called, r.reached, r.completed, r.refused) for r in days] == [
        (date(2026, 12, 1), 1, 1, 1, 0),
        (date(2026, 12, 2), 1, 0, 0, 1),
    ]
    months = cr.report(attempts, done, date(2026, 11, 15), date(2026, 12, 31), "month")
    assert [(r.start, r.attempts, r.completed) for r in months] == [
        (date(2026, 11, 1), 2, 0),
        (date(2026, 12, 1), 4, 3),
    ]


def test_offer_only_to_authorised_004_L1009():
    assert cr.may_see_offer({"senior_agent"}, ["senior_agent"], False)
    assert not cr.may_see_offer({"agent"}, ["senior_agent"], False)
    assert cr.may_see_offer({"agent"}, ["senior_agent"], True)  # a per-agent grant
    assert not cr.may_see_offer({"agent"}, [], False)
