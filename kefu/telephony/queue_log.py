"""Asterisk queue_log parser (pure: no Django). Lines in, calls / agent sessions / pauses out.

Format (Asterisk documentation "Queue Logs", docs.asterisk.org/Operation/Logging/Queue-Logs/, and the
older doc/queuelog.txt of Asterisk 1.4–1.6): one event per line,

    epoch|callid|queuename|agent|event|data1|data2|...

callid is the caller channel's uniqueid, or "NONE"/"REALTIME" for agent events; agent is the member
interface ("SIP/1001", "PJSIP/1001", "Local/1001@agents", "Agent/1001") or "NONE". Older versions log
the event data as one '|'-joined field, newer ones (realtime/database exports) as data1..data5: split on
'|', both give the same fields. A database export may carry a "YYYY-MM-DD HH:MM:SS[.ffffff]" time instead
of the epoch; it is read in the center's time zone, only when every line of the file has it (the result's
time_format says so): in a file that mixes the two, the lines in the rarer format are malformed lines.

Event data as documented (fields added by later versions are optional here):
    ENTERQUEUE(url|callerid[|position])
    CONNECT(holdtime|bridgedchanneluniqueid[|ringtime])            ringtime since 1.6
    COMPLETECALLER / COMPLETEAGENT(holdtime|calltime[|origposition])
    ABANDON(position|origposition|waittime)                        1.2: position only
    EXITWITHTIMEOUT(position[|origposition|waittime])
    EXITEMPTY(position|origposition|waittime)
    EXITWITHKEY(key|position[|origposition|waittime])
    RINGNOANSWER(ringtime in ms)
    TRANSFER(extension|context|holdtime|calltime[|origposition])   before 12: blind or attended not told
    BLINDTRANSFER(extension|context|holdtime|calltime|origposition)                      12+
    ATTENDEDTRANSFER(method|method-data…|holdtime|calltime|origposition)   12+; LINK has two channels
    AGENTLOGIN(channel) / AGENTLOGOFF(channel|logintime)
    AGENTCALLBACKLOGIN(exten@context) / AGENTCALLBACKLOGOFF(exten@context|logintime|reason)
    ADDMEMBER / REMOVEMEMBER
    PAUSE / PAUSEALL([reason])  reason in data1 since 1.8;  UNPAUSE / UNPAUSEALL
    QUEUESTART, CONFIGRELOAD, INFO, DID, SYSCOMPAT, AGENTDUMP, RINGCANCELED: carry nothing we keep.

Asterisk logs neither hold, wrap-up, disposition nor trunk blocking. Centers that have them write custom
lines with the dialplan application QueueLog(); kefu reads these (the simulator writes them):
    KF_CALLINFO(call_type|vip 0/1)                after ENTERQUEUE
    KF_WRAPUP(hold_s|acw_s|disposition|fcr 0/1/'') before the call's COMPLETE*/TRANSFER line
    KF_BLOCKED(callerid|call_type)                a dial attempt refused for want of trunks (004:L1601)
    KF_IVR(callerid|seconds|call_type)            a call served by the IVR alone (no agent request, 004:L1305)

Reconstruction rules (SPEC decisions): calltime includes hold, so talk = calltime − hold; EXITWITHTIMEOUT
and EXITEMPTY are their own outcomes, not abandons; a pause with no UNPAUSE ends at logoff; pauses are kept
per agent (an agent's per-queue PAUSE lines after PAUSEALL are one pause). Calls and agent states still open at
the end of the input are returned as `pending` lines; feed them back as `carry` before the next file, so the
result does not depend on where the log was split.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo

RING_CYCLE_SECONDS = 5
MAX_ERRORS = 200  # malformed lines listed (the rest counted)
EPOCH, DATETIME = "epoch", "datetime"  # time formats of a file's lines
TIME_FORMAT_LABELS = {
    EPOCH: "Unix 秒数",
    DATETIME: "“年-月-日 时:分:秒”",
}  # one ring = 1 s tone + 4 s silence (Chinese ringback cadence)

CALL_EVENTS = {
    "ENTERQUEUE",
    "CONNECT",
    "COMPLETECALLER",
    "COMPLETEAGENT",
    "ABANDON",
    "EXITWITHTIMEOUT",
    "EXITEMPTY",
    "EXITWITHKEY",
    "RINGNOANSWER",
    "TRANSFER",
    "BLINDTRANSFER",
    "ATTENDEDTRANSFER",
    "KF_CALLINFO",
    "KF_WRAPUP",
    "KF_BLOCKED",
    "KF_IVR",
}
AGENT_EVENTS = {
    "AGENTLOGIN",
    "AGENTLOGOFF",
    "AGENTCALLBACKLOGIN",
    "AGENTCALLBACKLOGOFF",
    "ADDMEMBER",
    "REMOVEMEMBER",
    "PAUSE",
    "PAUSEALL",
    "UNPAUSE",
    "UNPAUSEALL",
}
IGNORED_EVENTS = {"QUEUESTART", "CONFIGRELOAD", "INFO", "DID", "SYSCOMPAT", "AGENTDUMP", "RINGCANCELED", "JOINEMPTY"}
KNOWN_EVENTS = CALL_EVENTS | AGENT_EVENTS | IGNORED_EVENTS

_INTERFACE = re.compile(r"^(?:Local|SIP|PJSIP|IAX2|Agent|DAHDI|Zap)/([^@/\-]+)", re.IGNORECASE)
_NONE = {"", "NONE", "REALTIME"}


@dataclass(slots=True)  # a million of them in a month's log: no __dict__ each
class ParsedCall:
    call_id: str
    queue: str
    offered_at: datetime
    outcome: str = ""
    caller_number: str = ""
    call_type: str = ""
    is_vip: bool = False
    requested_agent: bool = True
    queued: bool = False
    answered_at: datetime | None = None
    wait_seconds: float = 0.0
    rings: int | None = None
    talk_seconds: float = 0.0
    hold_seconds: float = 0.0
    acw_seconds: float = 0.0
    transferred: bool = False
    transfer_kind: str = ""
    transfer_target: str = ""
    disposition: str = ""
    first_call_resolved: bool | None = None
    agent_staff_no: str = ""
    ended_at: datetime | None = None
    hangup_by: str = ""
    # working state, not stored
    ring_ms: float = 0.0
    ring_known: bool = False
    end_idx: int = -1  # position of the line that finished the call (calls come out in that order)
    lines: list[tuple[int, str]] = field(default_factory=list, repr=False)


@dataclass(slots=True)
class Interval:
    agent_staff_no: str
    queue: str
    start: datetime
    end: datetime
    reason: str = ""


@dataclass
class LineError:
    line_no: int
    reason: str

    def __str__(self) -> str:
        return f"第{self.line_no}行：{self.reason}"


@dataclass
class ParseResult:
    calls: list[ParsedCall]
    sessions: list[Interval]
    pauses: list[Interval]
    pending: list[str]
    errors: list[LineError]
    rows: int
    call_count: int = 0  # calls finished, including those handed to `on_calls`
    time_format: str = (
        EPOCH  # of the file's lines: EPOCH, or DATETIME read in the zone given (the whole file, else an error)
    )


class QueueLogError(ValueError):
    def __init__(self, errors: list[LineError], total: int | None = None):
        self.errors = errors
        self.total = len(errors) if total is None else total  # errors may list the first ones only
        super().__init__("；".join(str(e) for e in errors[:20]))


def staff_no_of(agent: str, agent_map: dict[str, str] | None = None) -> str:
    """'Local/1001@agents', 'SIP/1001', 'PJSIP/1001-00000a1f', 'Agent/1001' -> '1001'; 'NONE' -> ''."""
    agent = agent.strip()
    if agent.upper() in _NONE:
        return ""
    if agent_map and agent in agent_map:
        return agent_map[agent]
    m = _INTERFACE.match(agent)
    no = m.group(1) if m else agent
    return agent_map.get(no, no) if agent_map else no


def queue_of(field: str) -> str:
    """A call line's queue field as kept: stripped, '' for NONE/REALTIME."""
    queue = field.strip()
    return "" if queue.upper() in _NONE else queue


class _BadLine(Exception):
    pass


def _num(value: str, what: str) -> float:
    try:
        x = float(value)
    except ValueError:
        raise _BadLine(f"{what}应为数字，实际为“{value}”") from None
    if not math.isfinite(x) or x < 0:
        raise _BadLine(f"{what}不能为负数或非数值（“{value}”）")
    return x


def _need(data: list[str], n: int, event: str, shape: str) -> None:
    if len(data) < n:
        raise _BadLine(f"{event} 事件至少需要 {n} 个数据字段（{shape}），实际只有 {len(data)} 个")


def _timestamp(raw: str, tz: tzinfo) -> tuple[datetime, str]:
    """The instant of a line's time field and its format (EPOCH or DATETIME, the latter read in the zone `tz`)."""
    raw = raw.strip()
    try:
        return datetime.fromtimestamp(float(raw), tz=UTC), EPOCH
    except (ValueError, OverflowError, OSError):
        pass
    for fmt in ("%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%d %H:%M:%S"):
        try:
            return datetime.strptime(raw, fmt).replace(tzinfo=tz).astimezone(UTC), DATETIME
        except ValueError:
            continue
    raise _BadLine(f"时间戳“{raw}”既不是 Unix 秒数也不是“年-月-日 时:分:秒”")


class _TimeFormats:
    """How many lines of the file use each time format, with the first MAX_ERRORS of each (line number, value): a file
    uses one format throughout; lines in the other (the rarer; Unix seconds on a tie) are malformed."""

    def __init__(self):
        self.count = {EPOCH: 0, DATETIME: 0}
        self.first: dict[str, list[tuple[int, str]]] = {EPOCH: [], DATETIME: []}

    def add(self, kind: str, line_no: int, raw: str) -> None:
        self.count[kind] += 1
        if len(self.first[kind]) < MAX_ERRORS:
            self.first[kind].append((line_no, raw))

    @property
    def used(self) -> str:
        return DATETIME if self.count[DATETIME] > self.count[EPOCH] else EPOCH

    def errors(self) -> tuple[list[LineError], int]:
        odd = DATETIME if self.used == EPOCH else EPOCH
        used = TIME_FORMAT_LABELS[self.used]
        return (
            [
                LineError(
                    no,
                    f"时间戳“{raw.strip()}”是{TIME_FORMAT_LABELS[odd]}格式，而本文件其余 {self.count[self.used]} 行用的是"
                    f"{used}：同一文件的时间格式必须一致",
                )
                for no, raw in self.first[odd]
            ],
            self.count[odd],
        )


class _State:
    def __init__(
        self, tz: tzinfo, agent_map, legacy_transfer_kind: str, ring_cycle: float, on_calls=None, flush_every: int = 0
    ):
        self.tz = tz
        self.agent_map = agent_map or {}
        self.legacy_transfer_kind = legacy_transfer_kind
        self.ring_cycle = ring_cycle
        self.open_calls: dict[str, ParsedCall] = {}
        self.seen_ids: dict[str, int] = {}
        self.calls: list[ParsedCall] = []
        self.call_count = 0
        self.on_calls = on_calls  # called with each list of flush_every finished calls, which are then let go
        self.flush_every = flush_every
        # (staff_no, queue) -> (start, line); queue '' for AGENTLOGIN sessions
        self.sessions: dict[tuple[str, str], tuple[datetime, str]] = {}
        self.pauses: dict[str, tuple[datetime, str, str, str]] = {}  # staff_no -> (start, queue, reason, line)
        self.done_sessions: list[Interval] = []
        self.done_pauses: list[Interval] = []
        self.idx = 0  # position of the current line, to hand pending lines back in their original order
        self.staff_nos: dict[str, str] = {}  # agent field -> staff number (a few hundred agents, millions of lines)

    def staff_no(self, agent: str) -> str:
        no = self.staff_nos.get(agent)
        if no is None:
            no = self.staff_nos[agent] = staff_no_of(agent, self.agent_map)
        return no

    # ---- calls ---------------------------------------------------------------------------------------
    def _new_call(self, callid: str, queue: str, t: datetime, line: str) -> ParsedCall:
        n = self.seen_ids.get(callid, 0) + 1
        self.seen_ids[callid] = n
        call = ParsedCall(call_id=callid if n == 1 else f"{callid}#{n}", queue=queue, offered_at=t)
        call.lines.append((self.idx, line))
        return call

    def _finish(self, callid: str, call: ParsedCall, outcome: str, t: datetime) -> None:
        call.outcome = outcome
        call.ended_at = t
        call.end_idx = self.idx
        if call.ring_known:
            call.rings = math.ceil(call.ring_ms / 1000 / self.ring_cycle - 1e-9) if call.ring_ms > 0 else 0
        self.open_calls.pop(callid, None)
        call.lines = []
        self.calls.append(call)
        self.call_count += 1
        if self.on_calls is not None and len(self.calls) >= self.flush_every:
            self.flush()

    def flush(self) -> None:
        if self.on_calls is not None and self.calls:
            self.on_calls(self.calls)
            self.calls = []

    def _talk(self, call: ParsedCall, holdtime: float, calltime: float, t: datetime, agent: str) -> None:
        if call.answered_at is None:  # no CONNECT seen: rebuild from the completion line
            call.wait_seconds = holdtime
            call.answered_at = t - timedelta(seconds=calltime)
            call.queued = holdtime > 0
        if agent and not call.agent_staff_no:
            call.agent_staff_no = agent
        call.talk_seconds = max(calltime - call.hold_seconds, 0.0)

    def call_event(
        self, t: datetime, callid: str, queue: str, agent: str, event: str, data: list[str], line: str
    ) -> None:
        if callid in _NONE or (len(callid) <= 8 and callid.upper() in _NONE):
            raise _BadLine(f"{event} 事件缺少呼叫标识（callid）")
        call = self.open_calls.get(callid)
        if event in ("KF_BLOCKED", "KF_IVR"):
            c = self._new_call(callid, queue, t, line)
            c.caller_number = data[0] if data else ""
            c.requested_agent = event == "KF_BLOCKED"
            if event == "KF_IVR":
                _need(data, 2, event, "callerid|seconds")
                secs = _num(data[1], "IVR 时长")
                c.call_type = data[2] if len(data) > 2 else ""
                self._finish(callid, c, "ivr", t + timedelta(seconds=secs))
            else:
                c.call_type = data[1] if len(data) > 1 else ""
                self._finish(callid, c, "blocked", t)
            return
        if event == "ENTERQUEUE":
            if call is not None:
                raise _BadLine(f"呼叫 {callid} 已在队列中，重复的 ENTERQUEUE")
            call = self._new_call(callid, queue, t, line)
            call.caller_number = data[1].strip() if len(data) > 1 else ""
            self.open_calls[callid] = call
            return
        if call is None:
            call = self._orphan(callid, queue, t, event, data, line)
            if call is None:
                return
        else:
            call.lines.append((self.idx, line))
        if event == "KF_CALLINFO":
            call.call_type = data[0] if data else ""
            call.is_vip = len(data) > 1 and data[1].strip() in ("1", "true", "True", "VIP", "是")
        elif event == "RINGNOANSWER":
            _need(data, 1, event, "ringtime")
            call.ring_ms += _num(data[0], "振铃时长(毫秒)")
            call.ring_known = True
        elif event == "CONNECT":
            _need(data, 1, event, "holdtime|bridgedchanneluniqueid|ringtime")
            hold = _num(data[0], "排队时长 holdtime")
            call.wait_seconds = hold
            call.answered_at = t
            call.agent_staff_no = self.staff_no(agent)
            if len(data) > 2 and data[2].strip() != "":
                ring = _num(data[2], "振铃时长 ringtime")
                call.ring_ms += ring * 1000
                call.ring_known = True
                call.queued = hold - ring > 0
            else:
                call.queued = hold > 0
        elif event == "KF_WRAPUP":
            _need(data, 2, event, "hold|acw|disposition|fcr")
            call.hold_seconds = _num(data[0], "保持时长")
            call.acw_seconds = _num(data[1], "事后处理时长")
            call.disposition = data[2] if len(data) > 2 else ""
            fcr = data[3].strip() if len(data) > 3 else ""
            call.first_call_resolved = None if fcr == "" else fcr in ("1", "true", "True", "是")
        elif event in ("COMPLETECALLER", "COMPLETEAGENT"):
            _need(data, 2, event, "holdtime|calltime|origposition")
            holdtime, calltime = _num(data[0], "排队时长 holdtime"), _num(data[1], "通话时长 calltime")
            self._talk(call, holdtime, calltime, t, self.staff_no(agent))
            call.hangup_by = "caller" if event == "COMPLETECALLER" else "agent"
            self._finish(callid, call, "answered", t)
        elif event in ("TRANSFER", "BLINDTRANSFER", "ATTENDEDTRANSFER"):
            _need(data, 4, event, "目标…|holdtime|calltime|origposition")
            # The last numeric fields are holdtime|calltime[|origposition]; the target is what precedes them.
            tail = 3 if len(data) >= 5 else 2
            holdtime, calltime = _num(data[-tail], "排队时长 holdtime"), _num(data[-tail + 1], "通话时长 calltime")
            head = data[:-tail]
            if event == "BLINDTRANSFER":
                kind, target = "blind", "@".join(x for x in head[:2] if x)
            elif event == "ATTENDEDTRANSFER":
                kind, target = "attended", "|".join(x for x in head[1:] if x) or head[0]
            else:
                kind, target = self.legacy_transfer_kind, "@".join(x for x in head[:2] if x)
            self._talk(call, holdtime, calltime, t, self.staff_no(agent))
            call.transferred, call.transfer_kind, call.transfer_target = True, kind, target[:80]
            self._finish(callid, call, "answered", t)
        elif event in ("ABANDON", "EXITWITHTIMEOUT", "EXITEMPTY", "EXITWITHKEY"):
            idx = {"ABANDON": 2, "EXITWITHTIMEOUT": 2, "EXITEMPTY": 2, "EXITWITHKEY": 3}[event]
            if len(data) > idx and data[idx].strip() != "":
                call.wait_seconds = _num(data[idx], "等待时长 waittime")
            else:  # older versions: no waittime field
                call.wait_seconds = max((t - call.offered_at).total_seconds(), 0.0)
            call.queued = event != "EXITEMPTY" or call.wait_seconds > 0
            outcome = {
                "ABANDON": "abandoned",
                "EXITWITHTIMEOUT": "timeout",
                "EXITEMPTY": "empty",
                "EXITWITHKEY": "exit_key",
            }[event]
            self._finish(callid, call, outcome, t)

    def _orphan(self, callid, queue, t, event, data, line) -> ParsedCall | None:
        """An event of a call whose ENTERQUEUE is not in the log (the log starts mid-call): rebuild what we can."""
        if event in ("KF_CALLINFO", "KF_WRAPUP", "RINGNOANSWER", "CONNECT"):
            start = t
            if event == "CONNECT" and data:
                start = t - timedelta(seconds=_num(data[0], "排队时长 holdtime"))
            call = self._new_call(callid, queue, start, line)
            self.open_calls[callid] = call
            return call
        if event in ("COMPLETECALLER", "COMPLETEAGENT", "TRANSFER", "BLINDTRANSFER", "ATTENDEDTRANSFER"):
            _need(data, 2, event, "holdtime|calltime")
            tail = 3 if len(data) >= 5 else 2
            vals = data[:2] if event.startswith("COMPLETE") else data[-tail : -tail + 2 or None]
            hold, calltime = _num(vals[0], "排队时长 holdtime"), _num(vals[1], "通话时长 calltime")
            call = self._new_call(callid, queue, t - timedelta(seconds=hold + calltime), line)
            self.open_calls[callid] = call
            return call
        idx = 3 if event == "EXITWITHKEY" else 2
        wait = _num(data[idx], "等待时长 waittime") if len(data) > idx and data[idx].strip() else 0.0
        call = self._new_call(callid, queue, t - timedelta(seconds=wait), line)
        self.open_calls[callid] = call
        return call

    # ---- agents --------------------------------------------------------------------------------------
    def _close_session(self, key: tuple[str, str], t: datetime) -> None:
        start, _ = self.sessions.pop(key)
        if t > start:
            self.done_sessions.append(Interval(key[0], key[1], start, t))
        if not any(k[0] == key[0] for k in self.sessions):
            self._close_pause(key[0], t)  # a pause with no UNPAUSE ends at logoff

    def _close_pause(self, no: str, t: datetime) -> None:
        if no in self.pauses:
            start, queue, reason, _ = self.pauses.pop(no)
            if t > start:
                self.done_pauses.append(Interval(no, queue, start, t, reason))

    def agent_event(self, t: datetime, queue: str, agent: str, event: str, data: list[str], line: str) -> None:
        q = "" if queue.upper() in _NONE else queue
        if event in ("AGENTLOGIN", "AGENTCALLBACKLOGIN"):
            no = self.staff_no(agent)
            if not no:
                raise _BadLine(f"{event} 事件缺少座席")
            self.sessions.setdefault((no, q), (t, (self.idx, line)))
            return
        if event in ("AGENTLOGOFF", "AGENTCALLBACKLOGOFF"):
            no = self.staff_no(agent)
            if not no:
                raise _BadLine(f"{event} 事件缺少座席")
            logintime = _num(data[1], "签入时长 logintime") if len(data) > 1 and data[1].strip() else None
            keys = [k for k in self.sessions if k[0] == no and k[1] == q] or [
                k for k in self.sessions if k[0] == no and k[1] == ""
            ]
            if keys:
                self._close_session(keys[0], t)
            elif logintime:  # login before the start of the log: AGENTLOGOFF tells how long
                self.done_sessions.append(Interval(no, q, t - timedelta(seconds=logintime), t))
                self._close_pause(no, t)
            return
        if event in ("ADDMEMBER", "REMOVEMEMBER"):
            no = self.staff_no(agent)
            if not no:
                raise _BadLine(f"{event} 事件缺少座席")
            if event == "ADDMEMBER":
                self.sessions.setdefault((no, q), (t, (self.idx, line)))
            elif (no, q) in self.sessions:
                self._close_session((no, q), t)
            return
        no = self.staff_no(agent)
        if not no:
            raise _BadLine(f"{event} 事件缺少座席")
        if event in ("PAUSE", "PAUSEALL"):
            if no not in self.pauses:
                self.pauses[no] = (t, q, data[0].strip() if data else "", (self.idx, line))
        else:  # UNPAUSE / UNPAUSEALL
            self._close_pause(no, t)

    def pending_lines(self) -> list[str]:
        keyed: list[tuple[int, str]] = []
        for call in self.open_calls.values():
            keyed.extend(call.lines)
        keyed.extend(entry for _start, entry in self.sessions.values())
        keyed.extend(p[3] for p in self.pauses.values())
        return [line for _idx, line in sorted(keyed)]


class Reader:
    """The line-by-line reader behind `parse`, for a caller that hands it the lines itself (queue_log_frame hands it the
    lines its vectorised pass leaves to this state machine): `feed(idx, line_no, raw)` in the order of `idx` (a line's
    position in the input, carried lines first), then `result()`."""

    def __init__(
        self,
        *,
        tz: tzinfo = UTC,
        agent_map: dict[str, str] | None = None,
        legacy_transfer_kind: str = "blind",
        ring_cycle_seconds: float = RING_CYCLE_SECONDS,
        on_calls=None,
        flush_every: int = 100_000,
    ):
        self.tz = tz
        self.state = _State(tz, agent_map, legacy_transfer_kind, ring_cycle_seconds, on_calls, flush_every)
        self.errors: list[LineError] = []
        self.rows = 0
        self.last_stamp, self.last_t, self.last_kind = None, None, EPOCH  # consecutive lines often share their second
        self.formats = _TimeFormats()  # of the file's own lines, not the carried ones (read from an earlier file)
        self.epoch_lines = 0
        self.events: dict[str, str] = {}
        self.call_queues: dict[str, str] = {}

    def feed(self, idx: int, line_no: int, raw: str) -> None:
        """One line: `idx` its position among all lines given (pending lines come back in that order), `line_no` its
        1-based line number in the file (0: a carried line)."""
        state = self.state
        state.idx = idx
        line = raw.rstrip("\r\n")
        if not line or line.isspace():
            return
        if line_no:
            self.rows += 1
        parts = line.split("|")
        try:
            if len(parts) < 5:
                raise _BadLine(f"字段不足：至少需要 时间|callid|队列|座席|事件 5 个字段，实际 {len(parts)} 个")
            if parts[0] != self.last_stamp:
                self.last_t, self.last_kind = _timestamp(parts[0], self.tz)
                self.last_stamp = parts[0]
            t = self.last_t
            if line_no:
                if self.last_kind is EPOCH:
                    self.epoch_lines += 1
                    if self.epoch_lines <= MAX_ERRORS:
                        self.formats.add(EPOCH, line_no, parts[0])
                else:
                    self.formats.add(DATETIME, line_no, parts[0])
            # the event, queue and agent fields take a few hundred values over millions of lines: normalised once each
            event = self.events.get(parts[4])
            if event is None:
                event = self.events[parts[4]] = parts[4].strip().upper()
            data = parts[5:]
            while data and data[-1] == "" and len(data) > 1:  # database exports pad data1..data5 with empties
                data.pop()
            if event not in KNOWN_EVENTS:
                raise _BadLine(f"未知事件“{parts[4].strip()}”")
            if event in CALL_EVENTS:
                queue = self.call_queues.get(parts[2])
                if queue is None:
                    queue = self.call_queues[parts[2]] = queue_of(parts[2])
                state.call_event(t, parts[1].strip(), queue, parts[3], event, data, line)  # agents: see _State.staff_no
            elif event in AGENT_EVENTS:
                state.agent_event(t, parts[2].strip(), parts[3], event, data, line)
        except _BadLine as exc:
            self.errors.append(LineError(line_no, str(exc)))

    def result(self, *, more_rows: int = 0, more_epoch: tuple[int, list[tuple[int, str]]] = (0, [])) -> ParseResult:
        """The parse's result, or QueueLogError listing every malformed line. `more_rows` and `more_epoch` (how many, and
        the first MAX_ERRORS (line number, time field)) count the file's lines with Unix seconds read elsewhere."""
        formats, state = self.formats, self.state
        formats.count[EPOCH] = self.epoch_lines + more_epoch[0]
        if more_epoch[1]:
            formats.first[EPOCH] = sorted(set(formats.first[EPOCH] + more_epoch[1]))[:MAX_ERRORS]
        mixed, mixed_total = formats.errors()
        if self.errors or mixed:
            total = len(self.errors) + mixed_total
            raise QueueLogError(sorted(self.errors + mixed, key=lambda e: e.line_no)[:MAX_ERRORS], total)
        state.flush()
        return ParseResult(
            calls=state.calls,
            sessions=state.done_sessions,
            pauses=state.done_pauses,
            pending=state.pending_lines(),
            errors=[],
            rows=self.rows + more_rows,
            call_count=state.call_count,
            time_format=formats.used,
        )


def parse(
    lines: Iterable[str],
    *,
    tz: tzinfo = UTC,
    carry: Iterable[str] = (),
    agent_map: dict[str, str] | None = None,
    legacy_transfer_kind: str = "blind",
    ring_cycle_seconds: float = RING_CYCLE_SECONDS,
    on_calls=None,
    flush_every: int = 100_000,
) -> ParseResult:
    """Parse queue_log lines (after the `carry` lines left open by the previous file). `lines` may be any iterable
    (read lazily, once). This is the reference reader, one line at a time; `queue_log_frame.parse_frame` gives the same
    calls from a whole file, most of them in columns.

    With `on_calls`, finished calls are handed to it in lists of `flush_every` (the last one at the end) instead of being
    kept: the result's `calls` is then empty and `call_count` tells how many there were.
    Raises QueueLogError listing every malformed line (1-based line numbers of `lines`) and the reason.
    """
    reader = Reader(
        tz=tz,
        agent_map=agent_map,
        legacy_transfer_kind=legacy_transfer_kind,
        ring_cycle_seconds=ring_cycle_seconds,
        on_calls=on_calls,
        flush_every=flush_every,
    )
    numbered = itertools.chain(((0, ln) for ln in carry), enumerate(lines, start=1))
    for idx, (line_no, raw) in enumerate(numbered):
        reader.feed(idx, line_no, raw)
    return reader.result()
