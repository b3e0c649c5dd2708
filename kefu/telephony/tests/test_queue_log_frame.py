"""The queue_log read in columns (queue_log_frame.parse_frame) against the reference reader (queue_log.parse), line by
line: the same calls (every field, in the same order), sessions, pauses, pending lines, row count and time format,
or the same errors with the same line numbers, on generated logs: interleaved calls, transfers, abandons and exits,
blocked and IVR calls, repeated and missing lines, lines out of order, agents' sessions and pauses, carried lines and
malformed lines of every kind. Pure, no database."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from kefu.telephony import queue_log, queue_log_frame
from kefu.telephony.simulator import simulate

from .test_simulator import busy_day

T0 = 1772380800  # 2026-03-01 16:00:00 UTC
SHANGHAI = ZoneInfo("Asia/Shanghai")


def outcome(fn, *args, **kwargs):
    try:
        return fn(*args, **kwargs), None
    except queue_log.QueueLogError as exc:
        return None, ([(e.line_no, e.reason) for e in exc.errors], exc.total)


def reference(text: str, carry=(), **options):
    frames = []
    result = queue_log.parse(
        text.splitlines(),
        carry=carry,
        on_calls=lambda calls: frames.append(queue_log_frame.calls_frame(calls)),
        flush_every=7,
        **options,
    )
    return result, pl.concat(frames) if frames else queue_log_frame.calls_frame([])


def assert_same(data: bytes, encoding: str = "utf-8", carry=(), **options):
    """parse_frame(data) gives what the reference gives; returns the reference's result (or its errors)."""
    text = data.decode("utf-8-sig" if encoding == "utf-8" else encoding)
    ref, ref_errors = outcome(reference, text, carry, **options)
    fast, fast_errors = outcome(queue_log_frame.parse_frame, data, encoding=encoding, carry=carry, **options)
    assert fast_errors == ref_errors
    if ref is None:
        return ref_errors
    (result, frame), (fast_result, fast_frame) = ref, fast
    assert_frame_equal(fast_frame, frame)
    for name in ("sessions", "pauses", "pending", "rows", "call_count", "time_format"):
        assert getattr(fast_result, name) == getattr(result, name), name
    assert fast_result.calls == [] and result.calls == []
    return result


# ---- generated logs --------------------------------------------------------------------------------------------

NUMBERS = st.one_of(
    st.sampled_from(["0", "4", "12", "45", "007", "3.5", "1.250000", "60"]),  # mostly well-formed
    st.sampled_from([" 4", "4 ", "x", "", "-1", "1e2", "١٢", "nan", "1_0", "1.1234567", "+3"]),
)
TIMES = st.integers(0, 400)
AGENTS = st.sampled_from(
    ["SIP/1001", "PJSIP/1002-0000a1", "Local/1003@agents", "Agent/1004", "NONE", " SIP/1001", "sip/zhang"]
)


def stamp(draw, sec: int) -> str:
    return draw(
        st.one_of(
            st.just(str(T0 + sec)),
            st.just(str(T0 + sec)),
            st.just(str(T0 + sec)),
            st.sampled_from([f"0{T0 + sec}", f"{T0 + sec}.5", f" {T0 + sec}", "2026-03-02 00:00:05", "yesterday"]),
        )
    )


@st.composite
def call_lines(draw, i: int) -> list[tuple[int, str]]:
    """One call's lines, (second, line): a plain shape mostly, sometimes with a line missing, repeated or broken."""
    cid = draw(st.sampled_from([f"{i}.1", f"{i}.1", f"{i}.1", f"{i % 3}.7", f" {i}.1", "NONE", "none", f"呼叫{i}"]))
    queue = draw(st.sampled_from(["q1", "q1", "热线", "NONE", " q2 ", ""]))
    agent = draw(AGENTS)
    t = draw(TIMES)
    kind = draw(
        st.sampled_from(
            [
                "complete",
                "complete",
                "agent",
                "transfer",
                "blind",
                "attended",
                "abandon",
                "timeout",
                "empty",
                "exitkey",
                "blocked",
                "ivr",
                "open",
            ]
        )
    )
    out: list[tuple[int, list]] = []

    def line(sec, who, event, *data):
        out.append((sec, [cid, queue, who, event, *data]))

    if kind == "blocked":
        line(
            t, "NONE", "KF_BLOCKED", *draw(st.lists(st.sampled_from(["13800001111", "", "投诉", " 138 "]), max_size=3))
        )
    elif kind == "ivr":
        line(
            t,
            "NONE",
            "KF_IVR",
            "13800002222",
            draw(NUMBERS),
            *draw(st.lists(st.sampled_from(["业务咨询", ""]), max_size=2)),
        )
    else:
        line(
            t,
            "NONE",
            "ENTERQUEUE",
            "",
            draw(st.sampled_from(["13800003333", "", " 13800003333", "Anonymous"])),
            *draw(st.lists(st.just("1"), max_size=1)),
        )
        if draw(st.booleans()):
            line(
                t,
                "NONE",
                "KF_CALLINFO",
                draw(st.sampled_from(["投诉", "业务咨询", ""])),
                draw(st.sampled_from(["1", "0", "true", "VIP", "是", " 1", ""])),
            )
        for _ in range(draw(st.integers(0, 2))):
            t += draw(st.integers(0, 20))
            line(t, agent, "RINGNOANSWER", draw(st.sampled_from(["4000", "15000", "0", "2500.5", "x"])))
        connect = kind not in ("abandon", "timeout", "empty", "exitkey") or draw(st.integers(0, 4)) == 0
        hold = draw(NUMBERS)
        if connect and draw(st.integers(0, 5)):
            t += draw(st.integers(0, 60))
            line(
                t,
                agent,
                "CONNECT",
                hold,
                f"{cid}.2",
                *draw(st.lists(st.sampled_from(["3", "0", "", " 2", "1.5"]), max_size=1)),
            )
        if kind in ("complete", "agent", "transfer", "blind", "attended") and draw(st.booleans()):
            line(
                t,
                agent,
                "KF_WRAPUP",
                draw(NUMBERS),
                draw(NUMBERS),
                draw(st.sampled_from(["resolved", "", "跟进"])),
                draw(st.sampled_from(["1", "0", "", " 1", "是", "true"])),
            )
        t += draw(st.integers(0, 300))
        if kind in ("complete", "agent"):
            line(
                t,
                agent,
                "COMPLETECALLER" if kind == "complete" else "COMPLETEAGENT",
                hold,
                draw(NUMBERS),
                *draw(st.lists(st.just("1"), max_size=1)),
            )
        elif kind == "transfer":
            line(
                t,
                agent,
                "TRANSFER",
                "8001",
                "from-internal",
                hold,
                draw(NUMBERS),
                *draw(st.lists(st.just("1"), max_size=1)),
            )
        elif kind == "blind":
            line(t, agent, "BLINDTRANSFER", "8001", "from-internal", hold, draw(NUMBERS), "1")
        elif kind == "attended":
            line(t, agent, "ATTENDEDTRANSFER", "BRIDGE", "b1", hold, draw(NUMBERS), "1")
        elif kind != "open":
            event = {
                "abandon": "ABANDON",
                "timeout": "EXITWITHTIMEOUT",
                "empty": "EXITEMPTY",
                "exitkey": "EXITWITHKEY",
            }[kind]
            head = ["5"] if kind == "exitkey" else []
            line(t, "NONE", event, *head, "1", "1", *draw(st.lists(st.one_of(NUMBERS, st.just("")), max_size=1)))
        if out and draw(st.integers(0, 6)) == 0:  # a line lost, or one said twice
            k = draw(st.integers(0, len(out) - 1))
            if draw(st.booleans()):
                del out[k]
            else:
                out.insert(k, out[k])
    return [(sec, "|".join([stamp(draw, sec), *fields])) for sec, fields in out]


@st.composite
def agent_lines(draw) -> list[tuple[int, str]]:
    agent, queue = draw(AGENTS), draw(st.sampled_from(["q1", "NONE", "q2"]))
    t = draw(TIMES)
    out = []
    for event in draw(
        st.lists(
            st.sampled_from(
                [
                    "AGENTLOGIN",
                    "ADDMEMBER",
                    "PAUSE",
                    "PAUSEALL",
                    "UNPAUSE",
                    "REMOVEMEMBER",
                    "AGENTLOGOFF",
                    "AGENTCALLBACKLOGOFF",
                ]
            ),
            max_size=5,
        )
    ):
        t += draw(st.integers(0, 200))
        data = {
            "PAUSE": ["午休"],
            "AGENTLOGOFF": ["SIP/1", draw(NUMBERS)],
            "AGENTCALLBACKLOGOFF": ["1@c", "300", "x"],
        }.get(event, [])
        out.append((t, "|".join([stamp(draw, t), "NONE", queue, agent, event, *data])))
    return out


JUNK = st.sampled_from(
    [
        "",
        "   ",
        "garbage",
        "1|2|3",
        f"{T0}|x.1|q1|NONE|WHATEVER|1",
        f"{T0}|x.1|q1|NONE|DID|4001",
        f"{T0}|x.1|q1|NONE|connect|3|x|1",
        f"{T0}|NONE|q1|NONE|ENTERQUEUE||1",
        f"{T0}|1.1|q1|NONE| ENTERQUEUE ||1",
        f"{T0 + 5}|1.1|q1|SIP/1001|COMPLETECALLER|||",
        f"{T0}|REALTIME|q1|NONE|QUEUESTART",
        "|||||",
        f"{T0}|9.1|q1|NONE|ENTERQUEUE||1|2|3|4|5|6|7",
    ]
)


@st.composite
def logs(draw) -> list[str]:
    timed = []
    for i in range(draw(st.integers(0, 12))):
        timed += draw(call_lines(i))
    for _ in range(draw(st.integers(0, 3))):
        timed += draw(agent_lines())
    keys = draw(st.lists(st.integers(0, 3), min_size=len(timed), max_size=len(timed)))  # ties in random order
    lines = [text for _, _, text in sorted((sec, k, text) for (sec, text), k in zip(timed, keys))]
    for _ in range(draw(st.integers(0, 2))):  # a line out of order
        if len(lines) > 1:
            a, b = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
            lines[a], lines[b] = lines[b], lines[a]
    for _ in range(draw(st.integers(0, 2))):
        lines.insert(draw(st.integers(0, len(lines))), draw(JUNK))
    return lines


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(
    lines=logs(),
    carry=st.lists(
        st.sampled_from(
            [
                f"{T0}|1.1|q1|NONE|ENTERQUEUE||13800001111",
                f"{T0}|0.7|q1|NONE|ENTERQUEUE||1",
                f"{T0}|NONE|q1|SIP/1001|ADDMEMBER",
                f"{T0}|2.1|q1|SIP/1001|CONNECT|3|x|1",
                "broken",
            ]
        ),
        max_size=2,
    ),
    newline=st.sampled_from(["\n", "\r\n"]),
    final=st.booleans(),
    bom=st.booleans(),
    options=st.sampled_from(
        [
            {},
            {"tz": SHANGHAI},
            {"agent_map": {"zhang": "1009"}},
            {"legacy_transfer_kind": "attended"},
            {"ring_cycle_seconds": 6},
        ]
    ),
)
def test_generated_logs_read_in_columns_as_line_by_line(lines, carry, newline, final, bom, options):
    data = (newline.join(lines) + (newline if final and lines else "")).encode()
    assert_same((b"\xef\xbb\xbf" if bom else b"") + data, carry=carry, **options)


def test_a_plain_log_goes_through_the_columns_and_its_odd_calls_through_the_reference(monkeypatch):
    """Plain calls never reach the reference reader; a call with a line it must judge goes there whole."""
    plain = [
        f"{T0}|1.1|q1|NONE|ENTERQUEUE||13800001111|1",
        f"{T0}|1.1|q1|NONE|KF_CALLINFO|投诉|1",
        f"{T0 + 4}|1.1|q1|SIP/1001|CONNECT|4|1.2|2",
        f"{T0 + 60}|1.1|q1|SIP/1001|KF_WRAPUP|10|20|resolved|1",
        f"{T0 + 60}|1.1|q1|SIP/1001|COMPLETEAGENT|4|56|1",
        f"{T0 + 61}|3.1|q1|NONE|KF_IVR|13800002222|30|业务咨询",
        f"{T0 + 62}|2.1|q1|NONE|ENTERQUEUE||13800001111|1",
        f"{T0 + 70}|2.1|q1|SIP/1001|TRANSFER|8001|ctx|8|30|1",
    ]
    fed = []
    original = queue_log.Reader.feed
    monkeypatch.setattr(
        queue_log.Reader, "feed", lambda self, idx, no, raw: (fed.append(no), original(self, idx, no, raw))
    )
    result = assert_same("\n".join(plain).encode())
    assert result.call_count == 3
    # the reference (all 8 lines) ran first, then the reader behind the columns: the transfer's two lines only
    assert fed == [*range(1, 9), 7, 8]


@pytest.mark.parametrize("seed", [3, 11])
def test_the_simulators_log_split_anywhere(seed):
    """A simulated busy day (sessions, pauses, transfers, abandons, blocked and IVR calls), whole and in two files."""
    text = simulate(busy_day(seed=seed)).queue_log
    whole = assert_same(text.encode(), tz=SHANGHAI)
    assert whole.call_count > 1000
    lines = text.splitlines(keepends=True)
    cut = len(lines) // 3
    first = assert_same("".join(lines[:cut]).encode())
    second = assert_same("".join(lines[cut:]).encode(), carry=first.pending)
    assert first.call_count + second.call_count == whole.call_count


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8"])
@pytest.mark.parametrize("breaks", ["\f", "\u2028", "\x1c", "\r", "\x85", "\v"])
def test_other_line_breaks_and_encodings_as_the_reference(encoding, breaks):
    """str.splitlines breaks lines at more than \\n: a file with such a character is numbered as the reference numbers it."""
    lines = [
        f"{T0}|1.1|热线|NONE|ENTERQUEUE||13800001111",
        f"{T0 + 9}|1.1|热线|SIP/1001|COMPLETECALLER|0|9",
        f"{T0 + 9}|2.1|热线|NONE|ENTERQUEUE||13800001111",
        f"{T0 + 19}|2.1|热线|NONE|ABANDON|1|1|10",
    ]
    assert_same("\n".join(lines).encode(encoding), encoding=encoding)
    errors = assert_same(
        ("\n".join(lines[:2]) + breaks + "\n".join(lines[2:]) + "\nbad").encode(encoding), encoding=encoding
    )
    assert errors[1] >= 1


def test_a_file_in_blocks_and_shares_is_read_as_a_whole(monkeypatch):
    """Blocks cut after a newline, calls joined a share of the callids at a time: the same result with blocks of a few
    lines and four shares."""
    text = simulate(busy_day(seed=5, duration_seconds=3 * 3600)).queue_log
    whole = assert_same(text.encode())
    monkeypatch.setattr(queue_log_frame, "BLOCK_BYTES", 300)
    monkeypatch.setattr(queue_log_frame, "JOIN_SHARE_LINES", 50)
    assert assert_same(text.encode()).call_count == whole.call_count


def test_empty_queue_and_agent_fields_are_read_as_the_reference_reads_them():
    """Polars reads an empty field as null: a call whose queue (or agent) field is empty has the queue '' (as the
    line-by-line reader gives it), never null (which the calls table refuses)."""
    assert_same(
        b"".join(
            f"{line}\n".encode()
            for line in [
                f"{T0}|1.1||NONE|ENTERQUEUE||13800001111",
                f"{T0 + 5}|1.1||NONE|ABANDON|1|1|5",
                f"{T0}|2.1||NONE|KF_BLOCKED|139|x",
                f"{T0}|3.1|q|NONE|ENTERQUEUE||13800001111",
                f"{T0 + 6}|3.1|q||CONNECT|1|3.2|0",
                f"{T0 + 9}|3.1|q||COMPLETECALLER|1|5|1",
            ]
        )
    )
