"""queue_log parser: one test per event type and per known variant across Asterisk versions (pure, no database).

Formats: docs.asterisk.org "Queue Logs" and Asterisk 1.4/1.6 doc/queuelog.txt (see the module docstring).
"""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from kefu.telephony import queue_log
from kefu.telephony.queue_log import parse, staff_no_of

T0 = 1772380800  # 2026-03-01 16:00:00 UTC = 2026-03-02 00:00 Asia/Shanghai
UTC = UTC


def at(sec: int) -> datetime:
    return datetime.fromtimestamp(T0 + sec, tz=UTC)


def L(sec, callid, queue, agent, event, *data) -> str:
    return "|".join([str(T0 + sec), callid, queue, agent, event, *[str(d) for d in data]])


def one(lines):
    result = parse(lines)
    assert len(result.calls) == 1, result.calls
    return result.calls[0]


@pytest.mark.parametrize(
    "agent,expected",
    [
        ("Local/1001@agents", "1001"),
        ("Local/1001@from-queue/n", "1001"),
        ("SIP/1001", "1001"),
        ("PJSIP/1001", "1001"),
        ("PJSIP/1001-0000001a", "1001"),
        ("Agent/1001", "1001"),
        ("IAX2/1001", "1001"),
        ("NONE", ""),
        ("", ""),
        ("1001", "1001"),
    ],
)
def test_agent_interface_to_staff_no(agent, expected):
    assert staff_no_of(agent) == expected


def test_agent_map_for_named_interfaces():
    assert staff_no_of("SIP/zhangsan", {"zhangsan": "1007"}) == "1007"
    assert staff_no_of("SIP/zhangsan", {"SIP/zhangsan": "1008"}) == "1008"


def test_enterqueue_connect_completecaller():
    # ENTERQUEUE(url|callerid), CONNECT(holdtime|bridgedchanneluniqueid|ringtime), COMPLETECALLER(holdtime|calltime|origposition)
    call = one(
        [
            L(0, "1.1", "q1", "NONE", "ENTERQUEUE", "", "13800001111"),
            L(12, "1.1", "q1", "SIP/1001", "CONNECT", 12, "1.2", 4),
            L(212, "1.1", "q1", "SIP/1001", "COMPLETECALLER", 12, 200, 1),
        ]
    )
    assert call.outcome == "answered" and call.hangup_by == "caller"
    assert call.caller_number == "13800001111"
    assert call.offered_at == at(0) and call.answered_at == at(12) and call.ended_at == at(212)
    assert call.wait_seconds == 12 and call.talk_seconds == 200 and call.agent_staff_no == "1001"
    assert call.queued is True  # 12 s holdtime of which 4 s ringing: it waited for an agent (004:L1643)
    assert call.rings == 1  # 4 s of ringing = one 5 s ring cycle (004:L1445)


def test_enterqueue_with_position_field_of_newer_versions():
    call = one(
        [
            L(0, "1.1", "q1", "NONE", "ENTERQUEUE", "", "13800001111", 3),
            L(5, "1.1", "q1", "SIP/1001", "CONNECT", 5, "1.2", 5),
            L(65, "1.1", "q1", "SIP/1001", "COMPLETEAGENT", 5, 60, 3),
        ]
    )
    assert call.caller_number == "13800001111" and call.hangup_by == "agent"
    assert call.queued is False  # all 5 s of its holdtime was ringing: an agent was free at once
    assert call.rings == 1


def test_connect_with_two_fields_has_no_ring_time():
    call = one(
        [
            L(0, "1.1", "q1", "NONE", "ENTERQUEUE", "", "1"),
            L(7, "1.1", "q1", "Agent/1002", "CONNECT", 7, "1.2"),
            L(67, "1.1", "q1", "Agent/1002", "COMPLETEAGENT", 7, 60),
        ]
    )  # 1.2-style COMPLETE without origposition
    assert call.rings is None and call.queued is True and call.talk_seconds == 60 and call.agent_staff_no == "1002"


def test_ringnoanswer_adds_rings_before_the_answer():
    # RINGNOANSWER(ringtime in ms): the first agent let it ring 15 s, the second answered after 3 s of ringing
    call = one(
        [
            L(0, "1.1", "q1", "NONE", "ENTERQUEUE", "", "1"),
            L(15, "1.1", "q1", "SIP/1001", "RINGNOANSWER", 15000),
            L(18, "1.1", "q1", "SIP/1002", "CONNECT", 18, "1.2", 3),
            L(78, "1.1", "q1", "SIP/1002", "COMPLETECALLER", 18, 60, 1),
        ]
    )
    assert call.rings == 4  # 18 s of ringing / 5 s per ring, rounded up
    assert call.agent_staff_no == "1002"


def test_abandon_position_origposition_waittime():
    call = one([L(0, "1.1", "q1", "NONE", "ENTERQUEUE", "", "1"), L(33, "1.1", "q1", "NONE", "ABANDON", 2, 3, 33)])
    assert (
        call.outcome == "abandoned" and call.wait_seconds == 33 and call.answered_at is None and call.talk_seconds == 0
    )


def test_abandon_old_variant_without_waittime_measures_from_enterqueue():
    call = one([L(0, "1.1", "q1", "NONE", "ENTERQUEUE", "", "1"), L(41, "1.1", "q1", "NONE", "ABANDON", 1)])
    assert call.outcome == "abandoned" and call.wait_seconds == 41


def test_exitwithtimeout_is_its_own_outcome_not_an_abandon():
    # SPEC decisions: EXITWITHTIMEOUT and EXITEMPTY are not abandons
    call = one(
        [L(0, "1.1", "q1", "NONE", "ENTERQUEUE", "", "1"), L(300, "1.1", "q1", "NONE", "EXITWITHTIMEOUT", 4, 4, 300)]
    )
    assert call.outcome == "timeout" and call.wait_seconds == 300


def test_exitwithtimeout_old_variant_position_only():
    call = one([L(0, "1.1", "q1", "NONE", "ENTERQUEUE", "", "1"), L(120, "1.1", "q1", "NONE", "EXITWITHTIMEOUT", 4)])
    assert call.outcome == "timeout" and call.wait_seconds == 120


def test_exitempty():
    call = one([L(0, "1.1", "q1", "NONE", "ENTERQUEUE", "", "1"), L(0, "1.1", "q1", "NONE", "EXITEMPTY", 1, 1, 0)])
    assert call.outcome == "empty" and call.queued is False


def test_exitwithkey_key_position_origposition_waittime():
    call = one(
        [L(0, "1.1", "q1", "NONE", "ENTERQUEUE", "", "1"), L(25, "1.1", "q1", "NONE", "EXITWITHKEY", "9", 1, 2, 25)]
    )
    assert call.outcome == "exit_key" and call.wait_seconds == 25


def test_exitwithkey_old_variant_key_position():
    call = one([L(0, "1.1", "q1", "NONE", "ENTERQUEUE", "", "1"), L(19, "1.1", "q1", "NONE", "EXITWITHKEY", "9", 1)])
    assert call.outcome == "exit_key" and call.wait_seconds == 19


def test_blindtransfer_extension_context_holdtime_calltime_origposition():
    call = one(
        [
            L(0, "1.1", "q1", "NONE", "ENTERQUEUE", "", "1"),
            L(10, "1.1", "q1", "SIP/1001", "CONNECT", 10, "1.2", 2),
            L(100, "1.1", "q1", "SIP/1001", "BLINDTRANSFER", "8000", "experts", 10, 90, 1),
        ]
    )
    assert call.outcome == "answered" and call.transferred and call.transfer_kind == "blind"  # 004:L1669
    assert call.transfer_target == "8000@experts" and call.talk_seconds == 90


def test_attendedtransfer_bridge_method():
    call = one(
        [
            L(0, "1.1", "q1", "NONE", "ENTERQUEUE", "", "1"),
            L(10, "1.1", "q1", "SIP/1001", "CONNECT", 10, "1.2", 2),
            L(130, "1.1", "q1", "SIP/1001", "ATTENDEDTRANSFER", "BRIDGE", "b-77", 10, 120, 1),
        ]
    )
    assert call.transfer_kind == "attended" and call.transfer_target == "b-77" and call.talk_seconds == 120


def test_attendedtransfer_link_method_has_two_channels():
    call = one(
        [
            L(0, "1.1", "q1", "NONE", "ENTERQUEUE", "", "1"),
            L(10, "1.1", "q1", "SIP/1001", "CONNECT", 10, "1.2", 2),
            L(70, "1.1", "q1", "SIP/1001", "ATTENDEDTRANSFER", "LINK", "SIP/1001-1", "SIP/8000-2", 10, 60, 1),
        ]
    )
    assert (
        call.transfer_kind == "attended" and call.transfer_target == "SIP/1001-1|SIP/8000-2" and call.talk_seconds == 60
    )


def test_legacy_transfer_four_fields_uses_center_policy_kind():
    lines = [
        L(0, "1.1", "q1", "NONE", "ENTERQUEUE", "", "1"),
        L(10, "1.1", "q1", "SIP/1001", "CONNECT", 10, "1.2"),
        L(50, "1.1", "q1", "SIP/1001", "TRANSFER", "8000", "experts", 10, 40),
    ]
    assert one(lines).transfer_kind == "blind"
    attended = parse(lines, legacy_transfer_kind="attended").calls[0]
    assert (
        attended.transfer_kind == "attended"
        and attended.talk_seconds == 40
        and attended.transfer_target == "8000@experts"
    )


def test_kefu_custom_lines_hold_acw_disposition_type_vip():
    call = one(
        [
            L(0, "1.1", "q1", "NONE", "ENTERQUEUE", "", "1"),
            L(0, "1.1", "q1", "NONE", "KF_CALLINFO", "投诉", 1),
            L(10, "1.1", "q1", "SIP/1001", "CONNECT", 10, "1.2", 0),
            L(250, "1.1", "q1", "SIP/1001", "KF_WRAPUP", 40, 55, "resolved", 1),
            L(250, "1.1", "q1", "SIP/1001", "COMPLETECALLER", 10, 240, 1),
        ]
    )
    assert call.call_type == "投诉" and call.is_vip
    assert call.hold_seconds == 40 and call.talk_seconds == 200  # calltime includes hold: talk = 240 − 40
    assert call.acw_seconds == 55 and call.disposition == "resolved" and call.first_call_resolved is True


def test_blocked_and_ivr_only_calls():
    result = parse(
        [
            L(0, "9.1", "q1", "NONE", "KF_BLOCKED", "138", "业务咨询"),
            L(5, "9.2", "q1", "NONE", "KF_IVR", "139", 45, "查询"),
        ]
    )
    blocked, ivr = result.calls
    assert blocked.outcome == "blocked" and blocked.requested_agent  # 004:L1601: never reached the ACD
    assert ivr.outcome == "ivr" and not ivr.requested_agent and ivr.ended_at == at(50)  # 004:L1305


def test_database_export_with_datetime_and_padded_data_fields():
    # realtime/DB exports: "time" as a local datetime, data1..data5 padded with empties
    tz = ZoneInfo("Asia/Shanghai")
    lines = [
        "2026-03-02 08:00:00.123456|1.1|q1|NONE|ENTERQUEUE||13800001111|||",
        "2026-03-02 08:00:05|1.1|q1|PJSIP/1003|CONNECT|5|1.2|5||",
        "2026-03-02 08:01:05|1.1|q1|PJSIP/1003|COMPLETECALLER|5|60|1||",
    ]
    call = parse(lines, tz=tz).calls[0]
    assert call.offered_at == datetime(2026, 3, 2, 0, 0, 0, 123456, tzinfo=UTC)
    assert call.talk_seconds == 60 and call.agent_staff_no == "1003"


def test_agentlogin_agentlogoff_session():
    result = parse(
        [
            L(0, "NONE", "NONE", "Agent/1001", "AGENTLOGIN", "SIP/1001"),
            L(3600, "NONE", "NONE", "Agent/1001", "AGENTLOGOFF", "SIP/1001", 3600),
        ]
    )
    (s,) = result.sessions
    assert (s.agent_staff_no, s.queue, s.start, s.end) == ("1001", "", at(0), at(3600))


def test_agentcallbacklogin_logoff_with_reason():
    result = parse(
        [
            L(0, "NONE", "NONE", "Agent/1002", "AGENTCALLBACKLOGIN", "1002@agents"),
            L(1800, "NONE", "NONE", "Agent/1002", "AGENTCALLBACKLOGOFF", "1002@agents", 1800, "Autologoff"),
        ]
    )
    assert [(s.start, s.end) for s in result.sessions] == [(at(0), at(1800))]


def test_agentlogoff_without_login_uses_logintime():
    result = parse([L(7200, "NONE", "NONE", "Agent/1001", "AGENTLOGOFF", "SIP/1001", 3600)])
    assert [(s.start, s.end) for s in result.sessions] == [(at(3600), at(7200))]


def test_addmember_removemember_per_queue():
    result = parse(
        [
            L(0, "NONE", "q1", "Local/1001@agents", "ADDMEMBER", ""),
            L(0, "NONE", "q2", "Local/1001@agents", "ADDMEMBER", ""),
            L(600, "NONE", "q2", "Local/1001@agents", "REMOVEMEMBER", ""),
            L(900, "NONE", "q1", "Local/1001@agents", "REMOVEMEMBER", ""),
        ]
    )
    assert sorted((s.queue, s.start, s.end) for s in result.sessions) == [
        ("q1", at(0), at(900)),
        ("q2", at(0), at(600)),
    ]


def test_pause_with_reason_unpause():
    # PAUSE carries the reason in data1 since Asterisk 1.8
    result = parse(
        [
            L(0, "NONE", "q1", "SIP/1001", "ADDMEMBER", ""),
            L(100, "NONE", "q1", "SIP/1001", "PAUSE", "午餐"),
            L(400, "NONE", "q1", "SIP/1001", "UNPAUSE", ""),
            L(1000, "NONE", "q1", "SIP/1001", "REMOVEMEMBER", ""),
        ]
    )
    (p,) = result.pauses
    assert (p.start, p.end, p.reason) == (at(100), at(400), "午餐")


def test_pause_old_variant_without_reason():
    result = parse(
        [
            L(0, "NONE", "q1", "SIP/1001", "ADDMEMBER"),
            L(100, "NONE", "q1", "SIP/1001", "PAUSE"),
            L(200, "NONE", "q1", "SIP/1001", "UNPAUSE"),
            L(300, "NONE", "q1", "SIP/1001", "REMOVEMEMBER"),
        ]
    )
    assert [(p.start, p.end, p.reason) for p in result.pauses] == [(at(100), at(200), "")]


def test_pauseall_then_per_queue_pause_lines_are_one_pause():
    # Wazo-style: PAUSEALL followed by PAUSE per queue; UNPAUSEALL then UNPAUSE per queue
    result = parse(
        [
            L(0, "NONE", "NONE", "Agent/3001", "AGENTLOGIN", "SIP/3001"),
            L(10, "NONE", "NONE", "Agent/3001", "PAUSEALL", "会议"),
            L(10, "NONE", "q1", "Agent/3001", "PAUSE", "会议"),
            L(10, "NONE", "q2", "Agent/3001", "PAUSE", "会议"),
            L(70, "NONE", "NONE", "Agent/3001", "UNPAUSEALL", ""),
            L(70, "NONE", "q1", "Agent/3001", "UNPAUSE", ""),
            L(100, "NONE", "NONE", "Agent/3001", "AGENTLOGOFF", "SIP/3001", 100),
        ]
    )
    assert [(p.start, p.end, p.reason) for p in result.pauses] == [(at(10), at(70), "会议")]


def test_pause_without_unpause_ends_at_logoff():
    # SPEC decisions: a pause with no UNPAUSE ends at logoff
    result = parse(
        [
            L(0, "NONE", "NONE", "Agent/1001", "AGENTLOGIN", "SIP/1001"),
            L(500, "NONE", "NONE", "Agent/1001", "PAUSE", "小休"),
            L(800, "NONE", "NONE", "Agent/1001", "AGENTLOGOFF", "SIP/1001", 800),
        ]
    )
    assert [(p.start, p.end) for p in result.pauses] == [(at(500), at(800))]


@pytest.mark.parametrize(
    "event", ["QUEUESTART", "CONFIGRELOAD", "INFO", "DID", "SYSCOMPAT", "AGENTDUMP", "RINGCANCELED"]
)
def test_housekeeping_events_are_accepted_and_ignored(event):
    result = parse([L(0, "NONE", "NONE", "NONE", event, "")])
    assert result.calls == [] and result.sessions == [] and result.rows == 1


def test_open_call_is_pending_and_finished_by_the_next_file():
    a = [L(0, "1.1", "q1", "NONE", "ENTERQUEUE", "", "1"), L(8, "1.1", "q1", "SIP/1001", "CONNECT", 8, "1.2", 2)]
    first = parse(a)
    assert first.calls == [] and first.pending == a
    second = parse([L(68, "1.1", "q1", "SIP/1001", "COMPLETECALLER", 8, 60, 1)], carry=first.pending)
    (call,) = second.calls
    assert call.offered_at == at(0) and call.wait_seconds == 8 and call.talk_seconds == 60 and second.pending == []
    assert second.rows == 1  # carried lines are not counted again


def test_open_session_and_pause_are_carried():
    first = parse([L(0, "NONE", "q1", "SIP/1001", "ADDMEMBER", ""), L(50, "NONE", "q1", "SIP/1001", "PAUSE", "小休")])
    assert len(first.pending) == 2
    second = parse([L(90, "NONE", "q1", "SIP/1001", "REMOVEMEMBER", "")], carry=first.pending)
    assert [(s.start, s.end) for s in second.sessions] == [(at(0), at(90))]
    assert [(p.start, p.end) for p in second.pauses] == [(at(50), at(90))]


def test_log_starting_mid_call_rebuilds_from_completion_fields():
    call = one([L(100, "1.1", "q1", "SIP/1001", "COMPLETECALLER", 10, 60, 1)])
    assert (
        call.offered_at == at(30) and call.answered_at == at(40) and call.wait_seconds == 10 and call.talk_seconds == 60
    )


def test_same_uniqueid_entering_again_gets_a_suffix():
    result = parse(
        [
            L(0, "1.1", "q1", "NONE", "ENTERQUEUE", "", "1"),
            L(60, "1.1", "q1", "NONE", "EXITWITHTIMEOUT", 1, 1, 60),
            L(61, "1.1", "q2", "NONE", "ENTERQUEUE", "", "1"),
            L(70, "1.1", "q2", "NONE", "ABANDON", 1, 1, 9),
        ]
    )
    assert [(c.call_id, c.queue, c.outcome) for c in result.calls] == [
        ("1.1", "q1", "timeout"),
        ("1.1#2", "q2", "abandoned"),
    ]


@pytest.mark.parametrize(
    "line,reason",
    [
        ("1772380800|1.1|q1|NONE", "字段不足"),
        ("yesterday|1.1|q1|NONE|ENTERQUEUE||1", "时间戳"),
        ("1772380800|1.1|q1|NONE|FOOBAR|1", "未知事件"),
        ("1772380800|1.1|q1|SIP/1|CONNECT|abc|1.2|0", "应为数字"),
        ("1772380800|1.1|q1|SIP/1|COMPLETECALLER|5", "至少需要 2 个数据字段"),
        ("1772380800|1.1|q1|NONE|ABANDON|1|1|-3", "负数"),
        ("1772380800|NONE|q1|NONE|ENTERQUEUE||1", "缺少呼叫标识"),
        ("1772380800|NONE|q1|NONE|AGENTLOGIN|x", "缺少座席"),
    ],
)
def test_malformed_line_is_rejected_with_line_number_and_reason(line, reason):
    good = L(0, "2.1", "q1", "NONE", "ENTERQUEUE", "", "1")
    with pytest.raises(queue_log.QueueLogError) as exc:
        parse([good, "", line])
    (err,) = exc.value.errors
    assert err.line_no == 3 and reason in err.reason
    assert str(err).startswith("第3行：")


def test_every_bad_line_is_listed():
    with pytest.raises(queue_log.QueueLogError) as exc:
        parse(["x", L(0, "1.1", "q1", "NONE", "ENTERQUEUE", "", "1"), "y|z"])
    assert [e.line_no for e in exc.value.errors] == [1, 3]


def test_empty_input():
    result = parse([])
    assert (result.calls, result.sessions, result.pending, result.rows) == ([], [], [], 0)


def test_offered_on_local_day_uses_utc_storage():
    # the call entered at 23:59:59 local time; stored as an aware UTC instant (the KPI engine buckets it locally)
    call = one([L(-1, "1.1", "q1", "NONE", "ENTERQUEUE", "", "1"), L(5, "1.1", "q1", "NONE", "ABANDON", 1, 1, 6)])
    assert call.offered_at.astimezone(ZoneInfo("Asia/Shanghai")).date().isoformat() == "2026-03-01"
    assert call.offered_at + timedelta(seconds=6) == call.ended_at
