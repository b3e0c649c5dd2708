"""The queue_log file read in columns (pure: no Django): the same calls, sessions, pauses, pending lines and errors as
the line-by-line reader `queue_log.parse`, most calls found by Polars expressions instead of a Python step per line.

How: the file's lines go into a frame block by block; their '|' fields are split by Polars; the event, queue and agent
fields (a few hundred distinct values) are normalised by the reference's own Python code, once per value. A call
becomes a row of columns when every one of its lines is *regular* and its lines have the plain shape

    KF_BLOCKED | KF_IVR                                                     (one line, nothing else of that callid)
    ENTERQUEUE, then at most one KF_CALLINFO, CONNECT, KF_WRAPUP and any RINGNOANSWER, then one of
    COMPLETECALLER, COMPLETEAGENT, ABANDON, EXITWITHTIMEOUT, EXITEMPTY, EXITWITHKEY                  (the last line)

where regular means: Unix seconds as a whole number, a callid of printable ASCII without spaces, every number the
event needs written as plain digits (with at most 6 decimals; ring times whole), no spaces around the fields the
reference strips. Everything else goes, in file order and with its line number, through `queue_log.Reader` (the
reference state machine): every line of a callid that has one irregular line, lines out of order, a second
ENTERQUEUE, transfers, orphans, calls carried over from the previous file (`carry`) and those left open, agent
sessions and pauses, ignored and unknown events, blank and broken lines (its errors name them). A file with a line
break other than \\n or \\r\\n (which str.splitlines also breaks at) is read by the reference alone, so that line numbers
stay those of the file.

The calls come out in the order the reference finishes them (the position of each call's last line).
"""

from __future__ import annotations

import codecs
from datetime import UTC
from operator import attrgetter

import numpy as np
import polars as pl

from kefu.telephony import csv_import, queue_log
from kefu.telephony.queue_log import CALL_EVENTS, MAX_ERRORS, ParseResult, Reader, staff_no_of

BLOCK_BYTES = 1 << 25  # lines are split 32 MB of the file at a time
JOIN_SHARES, JOIN_SHARE_LINES = 4, 500_000  # the calls are joined in up to 4 shares, one per 500,000 regular lines
_KINDS = {
    "str": pl.Utf8,
    "transfer": pl.Utf8,
    "outcome": pl.Utf8,
    "datetime": pl.Datetime("us", "UTC"),
    "float": pl.Float64,
    "int": pl.Int64,
    "bool": pl.Boolean,
    "bool_or_null": pl.Boolean,
}
CALL_SCHEMA = {f: _KINDS[k] for f, k in csv_import.FIELDS.items()} | {"hangup_by": pl.Utf8}
UTC_US = pl.Datetime("us", "UTC")

# event codes of the regular lines (0: any other line, which the reference reads)
ENTER, INFO, RING, CONNECT, WRAPUP, BLOCKED, IVR = 1, 2, 3, 4, 5, 6, 7
COMPLETECALLER, COMPLETEAGENT, ABANDON, TIMEOUT, EMPTY, EXITKEY = 8, 9, 10, 11, 12, 13
TRANSFERS = 14  # TRANSFER, BLINDTRANSFER, ATTENDEDTRANSFER: read by the reference
CODES = {
    "ENTERQUEUE": ENTER,
    "KF_CALLINFO": INFO,
    "RINGNOANSWER": RING,
    "CONNECT": CONNECT,
    "KF_WRAPUP": WRAPUP,
    "KF_BLOCKED": BLOCKED,
    "KF_IVR": IVR,
    "COMPLETECALLER": COMPLETECALLER,
    "COMPLETEAGENT": COMPLETEAGENT,
    "ABANDON": ABANDON,
    "EXITWITHTIMEOUT": TIMEOUT,
    "EXITEMPTY": EMPTY,
    "EXITWITHKEY": EXITKEY,
    "TRANSFER": TRANSFERS,
    "BLINDTRANSFER": TRANSFERS,
    "ATTENDEDTRANSFER": TRANSFERS,
}
assert set(CODES) == CALL_EVENTS
TERMINAL = [COMPLETECALLER, COMPLETEAGENT, ABANDON, TIMEOUT, EMPTY, EXITKEY]
OUTCOMES = {
    COMPLETECALLER: "answered",
    COMPLETEAGENT: "answered",
    ABANDON: "abandoned",
    TIMEOUT: "timeout",
    EMPTY: "empty",
    EXITKEY: "exit_key",
    BLOCKED: "blocked",
    IVR: "ivr",
}

_SPACE = r"[\s\x1c-\x1f]"  # what str.strip() strips (Rust's \s is Unicode White_Space; Python adds \x1c-\x1f)
_PY_SPACE = "".join(chr(c) for c in range(0x110000) if chr(c).isspace())
_NUM = r"^[0-9]{1,9}(\.[0-9]{1,6})?$"  # float() of it is exact to the microsecond, the same in Polars
_INT = r"^[0-9]{1,9}$"
_OTHER_BREAKS = "[\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]"  # line breaks of str.splitlines besides \n (and \r\n)


class OtherLineBreaks(Exception):
    """The file breaks lines elsewhere than at \\n: the reference reads it."""


def calls_frame(calls: list[queue_log.ParsedCall], *, end_idx: bool = False) -> pl.DataFrame:
    """Parsed calls as the normalised frame the CSV reader also produces (with `end_idx`: the position of each call's
    last line too). Times go in as epoch seconds, turned into microseconds by Polars (it converts aware datetime
    objects one by one, slowly: most of this function's time otherwise)."""
    columns = {}
    for f, dtype in CALL_SCHEMA.items():
        values = list(map(attrgetter(f), calls))
        if dtype == UTC_US:
            # timestamp(): one C call per value; its double is within a quarter microsecond of the instant for any
            # year of calls, so rounding the microseconds gives the exact ones back
            seconds = pl.Series(f, [None if v is None else v.timestamp() for v in values], dtype=pl.Float64)
            columns[f] = (seconds * 1_000_000).round().cast(pl.Int64).cast(dtype)
        else:
            columns[f] = pl.Series(f, values, dtype=dtype)
    if end_idx:
        columns["end_idx"] = pl.Series("end_idx", [c.end_idx for c in calls], dtype=pl.Int64)
    return pl.DataFrame(columns)


def utf8_of(data: bytes, encoding: str) -> bytes:
    """The file as UTF-8 without a BOM (a UTF-8 file as is, sliced)."""
    if codecs.lookup(encoding).name != "utf-8":
        return data.decode(encoding).encode("utf-8")
    return data[len(codecs.BOM_UTF8) :] if data.startswith(codecs.BOM_UTF8) else data


def _regular_key(key: pl.Expr) -> pl.Expr:
    """A callid the reference keeps as is (strip() changes nothing) and does not refuse (NONE, REALTIME)."""
    return key.str.contains("^[!-{}~]+$").fill_null(False) & ~key.str.contains("(?i)^(none|realtime)$").fill_null(False)


def _clean(field: pl.Expr) -> pl.Expr:
    """absent, or nothing that strip() would take off"""
    return field.is_null() | ~field.str.contains(f"^{_SPACE}|{_SPACE}$")


def _num(field: pl.Expr) -> pl.Expr:
    return field.str.contains(_NUM).fill_null(False)


def _int(field: pl.Expr) -> pl.Expr:
    return field.str.contains(_INT).fill_null(False)


p = [pl.col(f"p{k}") for k in range(9)]
# per event: (what makes its line regular, the columns the call takes from it)
_SHAPES = {
    ENTER: (_clean(p[6]), {"t": p[0], "queue": p[2], "s1": p[6].fill_null("")}),
    INFO: (_clean(p[6]), {"s1": p[5].fill_null(""), "s2": p[6].fill_null("")}),
    RING: (_int(p[5]), {"x1": p[5]}),
    CONNECT: (_num(p[5]) & (p[7].is_null() | _int(p[7])), {"t": p[0], "agent": p[3], "x1": p[5], "x2": p[7]}),
    WRAPUP: (
        _num(p[5]) & _num(p[6]) & _clean(p[8]),
        {"x1": p[5], "x2": p[6], "s1": p[7].fill_null(""), "s2": p[8].fill_null("")},
    ),
}
_END = {
    "t": p[0],
    "agent": p[3],
    "queue": p[2],
    "s1": p[5].fill_null(""),
    "s2": p[6].fill_null(""),
    "x1": p[5],
    "x2": p[6],
}
_ENDS = {
    COMPLETECALLER: (_num(p[5]) & _num(p[6]), _END),
    COMPLETEAGENT: (_num(p[5]) & _num(p[6]), _END),
    ABANDON: (p[7].is_null() | _num(p[7]), _END | {"x1": p[7]}),
    TIMEOUT: (p[7].is_null() | _num(p[7]), _END | {"x1": p[7]}),
    EMPTY: (p[7].is_null() | _num(p[7]), _END | {"x1": p[7]}),
    EXITKEY: (p[8].is_null() | _num(p[8]), _END | {"x1": p[8]}),
    BLOCKED: (pl.lit(True), _END),
    IVR: (_num(p[6]), _END | {"s2": p[7].fill_null(""), "x1": p[6]}),
}
_TYPES = {
    "t": pl.Int64,
    "queue": pl.String,
    "agent": pl.String,
    "s1": pl.String,
    "s2": pl.String,
    "x1": pl.Float64,
    "x2": pl.Float64,
}
_FIELDS = {f"p{k}": pl.String for k in range(9)}


class _Block:
    """One block of the file's lines: its regular call lines in columns, by event (ENTER, INFO, RING, CONNECT, WRAPUP and
    END: the line that finishes a call), and where every line starts (bytes)."""

    def __init__(self, text: bytes, offset: int, first_idx: int, events: dict, queues: dict, agents: dict, agent_map):
        if _other_breaks(text):
            raise OtherLineBreaks()
        ends = np.flatnonzero(np.frombuffer(text, np.uint8) == 10)
        self.count = len(ends) + (0 if text.endswith(b"\n") else 1)
        self.starts = np.concatenate(([0], ends[: self.count - 1] + 1)).astype(np.int64) + offset
        f = pl.read_csv(
            text,
            has_header=False,
            separator="|",
            quote_char=None,
            schema=_FIELDS,
            truncate_ragged_lines=True,
            missing_columns="insert",
            extra_columns="ignore",
        )
        if f.height != self.count:  # the reader must keep every line, blank ones too, as a row
            raise OtherLineBreaks()
        for column, fn, cache in (
            ("p4", lambda v: CODES.get(v.strip().upper(), 0), events),
            ("p2", queue_log.queue_of, queues),
            ("p3", lambda v: staff_no_of(v, agent_map), agents),
        ):
            for v in f.get_column(column).unique().to_list():
                if v is not None and v not in cache:
                    cache[v] = fn(v)
        f = f.with_columns(
            idx=pl.int_range(first_idx, first_idx + f.height, dtype=pl.Int64),
            ev=pl.col("p4").replace_strict(events, default=0, return_dtype=pl.UInt8).fill_null(0),
        )
        lazy = f.lazy()
        common = _regular_key(p[1]) & p[0].str.contains("^[0-9]{1,10}$").fill_null(False)
        queries, codes = [], []
        for code in sorted(set(f.get_column("ev").unique().to_list()) - {0}):
            part = lazy.filter(pl.col("ev") == code)
            shape = _SHAPES.get(code) or _ENDS.get(code)
            if shape is None:  # transfers: the reference reads them
                queries.append(part.select("idx", key=p[1], ok=pl.lit(False)))
                codes.append(code)
                continue
            check, columns = shape
            values = {name: expr.cast(_TYPES[name], strict=False) for name, expr in columns.items()}
            # an empty field is read as null: the reference's '' (queue_of, staff_no_of of '')
            if "queue" in values:
                values["queue"] = p[2].replace_strict(queues, return_dtype=pl.String).fill_null("")
            if "agent" in values:
                values["agent"] = p[3].replace_strict(agents, return_dtype=pl.String).fill_null("")
            if "t" in values:
                values["t"] = p[0].cast(pl.Int64, strict=False)
            queries.append(
                part.select(
                    "idx",
                    p[1].alias("key"),
                    *([pl.col("ev")] if code in _ENDS else []),
                    "p0",
                    ok=common & check,
                    **values,
                )
            )
            codes.append(code)
        queries.append(lazy.filter(pl.col("ev") == 0).select("idx"))
        results = pl.collect_all(queries)
        self.frames: dict = {}
        self.epoch_first: list[tuple[int, str]] = []
        tainted, others = [], [results[-1].to_series()]
        self.n_regular = 0
        for code, frame in zip(codes, results):
            bad = frame.filter(~pl.col("ok"))
            if bad.height:
                # a call event on a line that is not regular: the reference reads it and every line of its callid
                # (as the reference strips it)
                tainted.append(bad.select(pl.col("key").str.strip_chars(_PY_SPACE)).to_series())
                others.append(bad.get_column("idx"))
                frame = frame.filter("ok")
            if not frame.height or code not in _SHAPES and code not in _ENDS:
                continue
            self.n_regular += frame.height
            self.epoch_first += frame.head(MAX_ERRORS).select("idx", "p0").rows()
            self.frames.setdefault("END" if code in _ENDS else code, []).append(frame.drop("ok", "p0"))
        self.tainted = pl.concat(tainted) if tainted else pl.Series("key", [], pl.String)
        # the lines the reference reads: not a call event (agents, ignored, unknown, blank, broken), or a call event
        # on a line that is not regular
        self.others = pl.concat(others)


def _other_breaks(text: bytes) -> bool:
    """Does the block break lines elsewhere than at \\n and \\r\\n (as str.splitlines also does)? One scan of the bytes
    per separator (bytes.find and count: memchr), no copy of the block."""
    if any(sep in text for sep in (b"\x0b", b"\x0c", b"\x1c", b"\x1d", b"\x1e")):
        return True
    if b"\r" in text and text.count(b"\r") != text.count(b"\r\n"):
        return True
    # U+0085, U+2028, U+2029 (in UTF-8 these bytes are those characters wherever they occur); the lead byte is looked
    # for first (memchr: far faster than a search for the two or three bytes, and absent from most logs)
    return (b"\xc2" in text and b"\xc2\x85" in text) or (
        b"\xe2" in text and (b"\xe2\x80\xa8" in text or b"\xe2\x80\xa9" in text)
    )


def parse_frame(
    data: bytes,
    *,
    encoding: str = "utf-8",
    tz=UTC,
    carry=(),
    agent_map: dict[str, str] | None = None,
    legacy_transfer_kind: str = "blind",
    ring_cycle_seconds: float = queue_log.RING_CYCLE_SECONDS,
    progress=None,
    lines=None,
    ordered: bool = True,
) -> tuple[ParseResult, pl.DataFrame]:
    """Parse a queue_log file (bytes in `encoding`, checked already) after the `carry` lines: (the result as
    queue_log.parse gives it with `on_calls`, its calls as one frame of CALL_SCHEMA). Raises QueueLogError as parse
    does. `progress(n)`, when given, is told of every n lines read. `lines()`, when given, gives the file's lines
    (str.splitlines) for a file the reference reads alone. `ordered=False`: the calls in any order when their call_ids
    are distinct and at most 64 bytes (a writer that orders them by call_id itself then stores the same rows with the
    same ids), else in the reference's order as with `ordered=True`; the sort of every column of a month's calls by
    position costs ~1.5 s CPU."""
    text = utf8_of(data, encoding)
    carry = list(carry)
    base = len(carry)
    options = {
        "tz": tz,
        "agent_map": agent_map,
        "legacy_transfer_kind": legacy_transfer_kind,
        "ring_cycle_seconds": ring_cycle_seconds,
    }
    try:
        blocks = _blocks(text, base, agent_map, progress)
    except OtherLineBreaks:
        return _reference(lines() if lines else text.decode("utf-8").splitlines(), carry, options)
    frames = {
        name: pl.concat([f for b in blocks for f in b.frames.get(name, [])] or [_empty(name)], rechunk=False)
        for name in (ENTER, INFO, RING, CONNECT, WRAPUP, "END")
    }
    starts = np.concatenate([b.starts for b in blocks]) if blocks else np.zeros(0, np.int64)
    others = pl.concat([b.others for b in blocks]) if blocks else pl.Series("idx", [], pl.Int64)
    epoch_first = sorted(x for b in blocks for x in b.epoch_first)[:MAX_ERRORS]
    tainted = pl.concat([b.tainted for b in blocks]) if blocks else pl.Series("key", [], pl.String)
    carried = [ln.rstrip("\r\n").split("|")[1].strip() for ln in carry if ln.count("|") >= 1]
    tainted = pl.concat([tainted, pl.Series("key", carried, pl.String)])
    n_regular = sum(b.n_regular for b in blocks)
    del blocks

    # the calls joined a share of the callids at a time (by hash: every line of a callid in the same share), so that
    # the joins' working columns are not all in memory at once
    shares = max(1, min(JOIN_SHARES, sum(frame.height for frame in frames.values()) // JOIN_SHARE_LINES))
    parts: dict = {}
    for name in list(frames):
        frame = frames.pop(name)
        split = frame.with_columns(share=(pl.col("key").hash() % shares).cast(pl.UInt32)).partition_by(
            "share", as_dict=True
        )
        del frame
        for k in range(shares):
            part = split.pop((k,), None)
            parts.setdefault(k, {})[name] = _empty(name) if part is None else part.drop("share")
    found = []
    for k in range(shares):
        found.append(_regular_calls(parts.pop(k), tainted, ring_cycle_seconds))
    calls = pl.concat([c for c, _ in found])
    theirs = pl.concat([t for _, t in found])
    del found
    reader_frames: list[pl.DataFrame] = []
    reader = Reader(**options, on_calls=lambda calls: reader_frames.append(calls_frame(calls, end_idx=True)))
    # the reference reads the carried lines, then every line that is not regular and every line of the calls left to it
    for i, ln in enumerate(carry):
        reader.feed(i, 0, ln)
    to_read = pl.concat([others, theirs]).sort().to_numpy()
    ends = np.append(starts[1:] - 1, len(text) if not text.endswith(b"\n") else len(text) - 1)
    view = memoryview(text)
    for idx, start, end in zip(to_read.tolist(), starts[to_read - base].tolist(), ends[to_read - base].tolist()):
        reader.feed(idx, idx - base + 1, bytes(view[start:end]).decode("utf-8"))
    read_regular = theirs.len()
    result = reader.result(
        more_rows=n_regular - read_regular,
        more_epoch=(n_regular - read_regular, [(idx - base + 1, t) for idx, t in epoch_first]),
    )
    merged = pl.concat([calls, *reader_frames], how="vertical")
    if (
        ordered
        or merged.select(
            (pl.col("call_id").str.len_bytes().max() <= 64) & (pl.col("call_id").n_unique() == pl.len())
        ).item()
        is not True
    ):
        merged = merged.sort("end_idx")
    merged = merged.drop("end_idx")
    result.call_count += calls.height
    return result, merged


def _reference(lines, carry: list[str], options: dict) -> tuple[ParseResult, pl.DataFrame]:
    frames: list[pl.DataFrame] = []
    result = queue_log.parse(lines, carry=carry, **options, on_calls=lambda calls: frames.append(calls_frame(calls)))
    return result, (pl.concat(frames) if frames else calls_frame([]))


def _empty(name) -> pl.DataFrame:
    columns = {
        ENTER: ("t", "queue", "s1"),
        INFO: ("s1", "s2"),
        RING: ("x1",),
        CONNECT: ("t", "agent", "x1", "x2"),
        WRAPUP: ("x1", "x2", "s1", "s2"),
        "END": ("ev", "t", "agent", "queue", "s1", "s2", "x1", "x2"),
    }[name]
    return pl.DataFrame(schema={"idx": pl.Int64, "key": pl.String} | {c: _TYPES.get(c, pl.UInt8) for c in columns})


def _blocks(text: bytes, base: int, agent_map, progress) -> list[_Block]:
    events, queues, agents = {}, {}, {}
    blocks, pos, idx = [], 0, base
    while pos < len(text):
        cut = text.find(b"\n", pos + BLOCK_BYTES)
        end = len(text) if cut < 0 else cut + 1
        block = _Block(text[pos:end], pos, idx, events, queues, agents, agent_map)
        blocks.append(block)
        idx += block.count
        pos = end
        if progress:
            progress(block.count)
    return blocks


def _regular_calls(frames: dict, tainted: pl.Series, ring_cycle: float) -> tuple[pl.DataFrame, pl.Series]:
    """The calls of the callids whose regular lines have the plain shape (see the module docstring) as a frame of
    CALL_SCHEMA with end_idx, and the positions of the other regular lines (the reference reads them)."""
    c = pl.col
    rings = (
        frames[RING]
        .lazy()
        .group_by("key")
        .agg(ring_n=pl.len(), ring_sum=c("x1").sum(), ring_lo=c("idx").min(), ring_hi=c("idx").max())
    )
    joined = (
        frames["END"]
        .lazy()
        .join(
            frames[ENTER].lazy().select("key", enter_idx="idx", offered="t", queue_in="queue", caller_in="s1"),
            on="key",
            how="left",
        )
        .join(frames[INFO].lazy().select("key", info_idx="idx", info_type="s1", info_vip="s2"), on="key", how="left")
        .join(
            frames[CONNECT].lazy().select("key", c_idx="idx", c_t="t", c_agent="agent", c_hold="x1", c_ring="x2"),
            on="key",
            how="left",
        )
        .join(
            frames[WRAPUP].lazy().select("key", w_idx="idx", w_hold="x1", w_acw="x2", w_disp="s1", w_fcr="s2"),
            on="key",
            how="left",
        )
        .join(rings, on="key", how="left")
    )
    ev, end = c("ev"), c("idx")
    is_single = ev.is_in([BLOCKED, IVR])
    inside = [(c(f"{x}_idx") > c("enter_idx")) & (c(f"{x}_idx") < end) for x in ("info", "c", "w")]
    single_shape = (
        c("enter_idx").is_null()
        & c("info_idx").is_null()
        & c("c_idx").is_null()
        & c("w_idx").is_null()
        & c("ring_n").is_null()
    )
    queue_shape = (
        (c("enter_idx") < end)
        & pl.all_horizontal([x.fill_null(True) for x in inside])
        & ((c("ring_lo") > c("enter_idx")) & (c("ring_hi") < end)).fill_null(True)
    )
    good = (
        pl.when(is_single).then(single_shape).otherwise(queue_shape).fill_null(False)
        & ~c("key").is_duplicated()
        & ~c("key").is_in(tainted.implode())
    )
    lines_of_call = (
        1
        + c("enter_idx").is_not_null().cast(pl.Int64)
        + c("info_idx").is_not_null().cast(pl.Int64)
        + c("c_idx").is_not_null().cast(pl.Int64)
        + c("w_idx").is_not_null().cast(pl.Int64)
        + c("ring_n").fill_null(0)
    )
    joined = joined.with_columns(good=good, lines=lines_of_call).collect()
    regular = sum(frame.height for frame in frames.values())
    if joined.filter("good").get_column("lines").sum() == regular:  # every regular line is a plain call's
        theirs = pl.Series("idx", [], pl.Int64)
    else:
        good_keys = joined.lazy().filter("good").select("key")
        theirs = (
            pl.concat([frame.lazy().join(good_keys, on="key", how="anti").select("idx") for frame in frames.values()])
            .collect()
            .to_series()
        )
    g = joined.lazy().filter("good")
    complete = ev.is_in([COMPLETECALLER, COMPLETEAGENT])
    exits = ev.is_in([ABANDON, TIMEOUT, EMPTY, EXITKEY])
    has_conn = c("c_t").is_not_null()
    us = 1_000_000
    offered = pl.when(is_single).then(c("t")).otherwise(c("offered"))
    end_us = c("t") * us
    ring_known = c("ring_n").is_not_null() | c("c_ring").is_not_null()
    ring_ms = c("ring_sum").fill_null(0.0) + c("c_ring").fill_null(0.0) * 1000
    rings_n = (
        pl.when(~ring_known)
        .then(None)
        .when(ring_ms > 0)
        .then((ring_ms / 1000 / ring_cycle - 1e-9).ceil().cast(pl.Int64))
        .otherwise(0)
    )
    conn_queued = pl.when(c("c_ring").is_not_null()).then(c("c_hold") - c("c_ring") > 0).otherwise(c("c_hold") > 0)
    wait = (
        pl.when(complete)
        .then(pl.when(has_conn).then(c("c_hold")).otherwise(c("x1")))
        .when(exits)
        .then(
            pl.when(c("x1").is_not_null())
            .then(c("x1"))
            .otherwise((c("t") - c("offered")).cast(pl.Float64).clip(lower_bound=0.0))
        )
        .otherwise(0.0)
    )
    conn_agent = pl.when(has_conn).then(c("c_agent")).otherwise(pl.lit(""))
    hold = c("w_hold").fill_null(0.0)
    calls = g.select(
        call_id=c("key"),
        queue=pl.when(is_single).then(c("queue")).otherwise(c("queue_in")),
        call_type=pl.when(is_single).then(c("s2")).otherwise(c("info_type").fill_null("")),
        is_vip=c("info_vip").is_in(["1", "true", "True", "VIP", "是"]).fill_null(False),
        caller_number=pl.when(is_single).then(c("s1")).otherwise(c("caller_in")),
        offered_at=(offered * us).cast(UTC_US),
        outcome=ev.replace_strict(OUTCOMES, return_dtype=pl.String),
        requested_agent=ev != IVR,
        queued=(
            pl.when(exits)
            .then((ev != EMPTY) | (wait > 0))
            .when(complete)
            .then(pl.when(has_conn).then(conn_queued).otherwise(c("x1") > 0))
            .otherwise(False)
        ),
        answered_at=(
            pl.when(has_conn)
            .then(c("c_t") * us)
            .when(complete)
            .then(end_us - (c("x2") * us).round().cast(pl.Int64))
            .otherwise(None)
        ).cast(UTC_US),
        wait_seconds=wait,
        rings=rings_n,
        talk_seconds=pl.when(complete).then((c("x2") - hold).clip(lower_bound=0.0)).otherwise(0.0),
        hold_seconds=hold,
        acw_seconds=c("w_acw").fill_null(0.0),
        transferred=pl.lit(False),
        transfer_kind=pl.lit(""),
        transfer_target=pl.lit(""),
        disposition=c("w_disp").fill_null(""),
        first_call_resolved=(
            pl.when(c("w_fcr").is_null() | (c("w_fcr") == ""))
            .then(None)
            .otherwise(c("w_fcr").is_in(["1", "true", "True", "是"]))
        ),
        agent_staff_no=(
            pl.when(complete)
            .then(pl.when((c("agent") != "") & (conn_agent == "")).then(c("agent")).otherwise(conn_agent))
            .when(exits)
            .then(conn_agent)
            .otherwise(pl.lit(""))
        ),
        ended_at=(pl.when(ev == IVR).then(end_us + (c("x1") * us).round().cast(pl.Int64)).otherwise(end_us)).cast(
            UTC_US
        ),
        hangup_by=(
            pl.when(ev == COMPLETECALLER)
            .then(pl.lit("caller"))
            .when(ev == COMPLETEAGENT)
            .then(pl.lit("agent"))
            .otherwise(pl.lit(""))
        ),
        end_idx=end,
    ).collect()
    return calls.cast(CALL_SCHEMA | {"end_idx": pl.Int64}), theirs
