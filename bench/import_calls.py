"""Call import benchmark: a generated month of calls as CSV and as Asterisk queue_log, imported by kefu.telephony.services.

    .venv/bin/python bench/import_calls.py [--calls 1000000] [--qlog-calls 200000] [--baseline-calls 100000]
                                           [--database-url postgres://postgres@127.0.0.1:5432/kefu_bench_calls]

Goals: CSV import of 1,000,000 calls <= 10 s, queue_log import of 1,000,000 calls <= 15 s (scaled to the calls
imported), peak RSS of each import step <= 1.5 GB; wall and CPU time printed (the machine is shared).
Baseline measured in the same run: the obvious importer — csv.DictReader, one Call model instance per row,
Model.objects.bulk_create(batch_size=1000) — on the first --baseline-calls rows; the script prints the
fast path's calls/s as a ratio of it. Every import is checked: the number of stored calls, and the sum of talk
seconds equal the generated file's.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TZ = "Asia/Shanghai"
EPOCH0 = 1788192000  # 2026-09-01 00:00 Asia/Shanghai
DAYS = 30
COLUMNS = [
    "call_id",
    "queue",
    "call_type",
    "is_vip",
    "caller_number",
    "offered_at",
    "outcome",
    "requested_agent",
    "queued",
    "answered_at",
    "wait_seconds",
    "talk_seconds",
    "hold_seconds",
    "acw_seconds",
    "transferred",
    "transfer_kind",
    "agent_staff_no",
    "ended_at",
]


def generate(n: int, seed: int = 7) -> pl.DataFrame:
    """n calls over a month: outcome mix, waits, handle times, 200 agents, ~40 % distinct callers (redials)."""
    rng = np.random.default_rng(seed)
    offered = np.sort(rng.integers(0, DAYS * 86400, n)) + EPOCH0
    outcome = rng.choice(
        np.array(["answered", "abandoned", "ivr", "blocked", "timeout", "empty"]),
        n,
        p=[0.84, 0.09, 0.04, 0.01, 0.01, 0.01],
    )
    ans = outcome == "answered"
    queued_out = np.isin(outcome, ["answered", "abandoned", "timeout", "empty"])
    wait = np.where(queued_out, rng.exponential(25, n).astype(np.int64), 0)
    talk = np.where(ans, np.maximum(rng.lognormal(5.4, 0.6, n).astype(np.int64), 5), 0)
    hold = np.where(ans & (rng.random(n) < 0.25), rng.exponential(30, n).astype(np.int64), 0)
    acw = np.where(ans, rng.exponential(45, n).astype(np.int64), 0)
    transferred = ans & (rng.random(n) < 0.03)
    kind = np.where(transferred, np.where(rng.random(n) < 0.5, "blind", "attended"), "")
    agents = np.where(ans, np.char.add("7", np.char.zfill(rng.integers(0, 200, n).astype(str), 3)), "")
    callers = np.char.add("13", np.char.zfill(rng.integers(0, int(n * 0.4) + 1, n).astype(str), 9))
    types = rng.choice(np.array(["业务咨询", "账单查询", "投诉", "宽带报障"]), n, p=[0.55, 0.2, 0.12, 0.13])
    return pl.DataFrame(
        {
            "call_id": [f"{o}.{i}" for i, o in enumerate(offered.tolist())],
            "queue": "hotline",
            "call_type": types,
            "is_vip": (rng.random(n) < 0.05).astype(np.int8),
            "caller_number": callers,
            "offered": offered,
            "outcome": outcome,
            "requested_agent": (outcome != "ivr").astype(np.int8),
            "queued": (wait > 0).astype(np.int8),
            "wait": wait,
            "talk": talk,
            "hold": hold,
            "acw": acw,
            "transferred": transferred.astype(np.int8),
            "transfer_kind": kind,
            "agent": agents,
        }
    )


def to_csv(df: pl.DataFrame) -> bytes:
    def local(expr):
        return (
            pl.from_epoch(expr, time_unit="s")
            .dt.replace_time_zone("UTC")
            .dt.convert_time_zone(TZ)
            .dt.strftime("%Y-%m-%d %H:%M:%S")
        )

    ans = pl.col("outcome") == "answered"
    out = df.select(
        "call_id",
        "queue",
        "call_type",
        "is_vip",
        "caller_number",
        local(pl.col("offered")).alias("offered_at"),
        "outcome",
        "requested_agent",
        "queued",
        pl.when(ans).then(local(pl.col("offered") + pl.col("wait"))).otherwise(pl.lit("")).alias("answered_at"),
        pl.col("wait").alias("wait_seconds"),
        pl.col("talk").alias("talk_seconds"),
        pl.col("hold").alias("hold_seconds"),
        pl.col("acw").alias("acw_seconds"),
        "transferred",
        "transfer_kind",
        pl.col("agent").alias("agent_staff_no"),
        local(pl.col("offered") + pl.col("wait") + pl.col("talk") + pl.col("hold")).alias("ended_at"),
    )
    return out.write_csv().encode()


def to_queue_log(df: pl.DataFrame) -> bytes:
    """The same calls as queue_log lines (ENTERQUEUE, KF_CALLINFO, CONNECT, KF_WRAPUP, COMPLETE*/TRANSFER, ABANDON, EXIT*),
    sorted by time as Asterisk writes them."""
    o, cid, q = pl.col("offered"), pl.col("call_id"), pl.lit("|hotline|")
    agent = pl.lit("Local/") + pl.col("agent") + pl.lit("@agents")
    ct = pl.col("talk") + pl.col("hold")
    s = pl.col
    parts = []

    def add(sel: pl.Expr, ts: pl.Expr, order: int, line: pl.Expr):
        parts.append(df.filter(sel).select(ts.alias("ts"), pl.lit(order).alias("k"), s("call_id"), line.alias("line")))

    requested = ~s("outcome").is_in(["ivr", "blocked"])
    add(requested, o, 0, o.cast(pl.Utf8) + "|" + cid + q + "NONE|ENTERQUEUE||" + s("caller_number") + "|1")
    add(
        requested,
        o,
        1,
        o.cast(pl.Utf8) + "|" + cid + q + "NONE|KF_CALLINFO|" + s("call_type") + "|" + s("is_vip").cast(pl.Utf8),
    )
    add(
        s("outcome") == "ivr",
        o,
        0,
        o.cast(pl.Utf8) + "|" + cid + q + "NONE|KF_IVR|" + s("caller_number") + "|60|" + s("call_type"),
    )
    add(
        s("outcome") == "blocked",
        o,
        0,
        o.cast(pl.Utf8) + "|" + cid + q + "NONE|KF_BLOCKED|" + s("caller_number") + "|" + s("call_type"),
    )
    ans = s("outcome") == "answered"
    t_conn = o + s("wait")
    t_end = t_conn + ct
    add(
        ans,
        t_conn,
        2,
        t_conn.cast(pl.Utf8) + "|" + cid + q + agent + "|CONNECT|" + s("wait").cast(pl.Utf8) + "|" + cid + ".1|0",
    )
    add(
        ans,
        t_end,
        3,
        t_end.cast(pl.Utf8)
        + "|"
        + cid
        + q
        + agent
        + "|KF_WRAPUP|"
        + s("hold").cast(pl.Utf8)
        + "|"
        + s("acw").cast(pl.Utf8)
        + "|resolved|1",
    )
    tail = "|" + s("wait").cast(pl.Utf8) + "|" + ct.cast(pl.Utf8) + "|1"
    add(
        ans & (s("transfer_kind") == ""),
        t_end,
        4,
        t_end.cast(pl.Utf8) + "|" + cid + q + agent + "|COMPLETECALLER" + tail,
    )
    add(
        ans & (s("transfer_kind") == "blind"),
        t_end,
        4,
        t_end.cast(pl.Utf8) + "|" + cid + q + agent + "|BLINDTRANSFER|8000|experts" + tail,
    )
    add(
        ans & (s("transfer_kind") == "attended"),
        t_end,
        4,
        t_end.cast(pl.Utf8) + "|" + cid + q + agent + "|ATTENDEDTRANSFER|BRIDGE|b1" + tail,
    )
    t_out = o + s("wait")
    for outcome, event in (("abandoned", "ABANDON"), ("timeout", "EXITWITHTIMEOUT"), ("empty", "EXITEMPTY")):
        add(
            s("outcome") == outcome,
            t_out,
            4,
            t_out.cast(pl.Utf8) + "|" + cid + q + "NONE|" + event + "|1|1|" + s("wait").cast(pl.Utf8),
        )
    lines = pl.concat(parts).sort(["ts", "call_id", "k"]).get_column("line")
    return ("\n".join(lines.to_list()) + "\n").encode()


def baseline_import(center, batch, data: bytes, limit: int) -> tuple[int, float]:
    """The obvious importer: DictReader, a model instance per row, bulk_create in batches of 1000."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from kefu.audit.crypto import digest
    from kefu.telephony.models import Call, Caller

    tz = ZoneInfo(TZ)
    reader = csv.DictReader(io.StringIO(data.decode()))
    t = time.perf_counter()
    rows, callers = [], {}
    for i, r in enumerate(reader):
        if i >= limit:
            break
        parse = lambda v: datetime.strptime(v, "%Y-%m-%d %H:%M:%S").replace(tzinfo=tz) if v else None  # noqa: E731
        number_digest = digest(r["caller_number"])
        caller = callers.get(number_digest)
        if caller is None:
            caller = callers[number_digest] = Caller(
                center=center, number=r["caller_number"], number_digest=number_digest
            )
        rows.append(
            Call(
                center=center,
                batch=batch,
                call_id=r["call_id"],
                queue=r["queue"],
                call_type=r["call_type"],
                is_vip=r["is_vip"] == "1",
                caller=caller,
                offered_at=parse(r["offered_at"]),
                outcome=r["outcome"],
                requested_agent=r["requested_agent"] == "1",
                queued=r["queued"] == "1",
                answered_at=parse(r["answered_at"]),
                wait_seconds=float(r["wait_seconds"]),
                talk_seconds=float(r["talk_seconds"]),
                hold_seconds=float(r["hold_seconds"]),
                acw_seconds=float(r["acw_seconds"]),
                transferred=r["transferred"] == "1",
                transfer_kind=r["transfer_kind"],
                agent_staff_no=r["agent_staff_no"],
                ended_at=parse(r["ended_at"]),
            )
        )
    Caller.objects.bulk_create(callers.values(), batch_size=1000)
    Call.objects.bulk_create(rows, batch_size=1000)
    return len(rows), time.perf_counter() - t


def setup():
    os.environ["DJANGO_SETTINGS_MODULE"] = "kefu.settings"
    os.environ.setdefault("KEFU_DEV", "1")  # a scratch database on this machine: development keys are fine
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def step_baseline(args, data: Path) -> dict:
    setup()
    from kefu.org import services as org
    from kefu.telephony.models import ImportBatch

    base_center = org.create_center("bench-base", "基准（逐行）")
    batch = ImportBatch.objects.create(center=base_center, kind="csv", file_name="baseline.csv", sha256="baseline")
    c0 = time.process_time()
    n_base, t_base = baseline_import(base_center, batch, (data / "calls.csv").read_bytes(), args.baseline_calls)
    print(
        f"baseline (DictReader + model instances + bulk_create): {n_base:>9,} calls {t_base:8.2f} s  {n_base / t_base:>9,.0f} calls/s  "
        f"(CPU {time.process_time() - c0:.2f} s)"
    )
    return {"rate": n_base / t_base}


def step_csv(args, data: Path) -> dict:
    """import_csv as the API and the CLI call it: read, validate, encrypt callers, prepare, insert, commit. The KPI rollups
    the CLI and the upload page refresh afterwards (telephony.services.refresh_kpis) are timed on their own line."""
    setup()
    from django.db.models import Sum

    from kefu.org import services as org
    from kefu.telephony import services as tel
    from kefu.telephony.models import Call

    base_rate = json.loads((data / "baseline.json").read_text())["rate"]
    csv_bytes = (data / "calls.csv").read_bytes()
    talk_total = int((data / "talk.txt").read_text())
    center = org.create_center("bench", "基准中心")
    load0 = os.getloadavg()[0]
    t, c0 = time.perf_counter(), time.process_time()
    out = tel.import_csv(center, file_name="bench.csv", data=csv_bytes)
    t_csv, cpu_csv = time.perf_counter() - t, time.process_time() - c0
    stored_talk = Call.objects.filter(center=center).aggregate(s=Sum("talk_seconds"))["s"]
    assert (
        out.calls_created == args.calls
        and Call.objects.filter(center=center).count() == args.calls
        and stored_talk == talk_total
    )
    rate = args.calls / t_csv
    print(
        f"import_csv:        {args.calls:>9,} calls {t_csv:8.2f} s  {rate:>9,.0f} calls/s  ratio {rate / base_rate:5.1f}x baseline  "
        f"goal 1M <= 10 s: {'MET' if t_csv * 1_000_000 / args.calls <= 10 else 'NOT MET'} (in CPU time: "
        f"{'MET' if cpu_csv * 1_000_000 / args.calls <= 10 else 'NOT MET'})  (CPU {cpu_csv:.2f} s; "
        f"read + validate + encrypt + insert + commit; load {load0:.1f} -> {os.getloadavg()[0]:.1f})"
    )
    t = time.perf_counter()
    again = tel.import_csv(center, file_name="bench-again.csv", data=csv_bytes)
    print(f"same file again:   duplicate={again.duplicate} in {time.perf_counter() - t:.2f} s (adds nothing)")
    if args.refresh_kpis:
        t, c0 = time.perf_counter(), time.process_time()
        written = tel.refresh_kpis(out)
        print(
            f"then refresh_kpis: {written:>9,} rollup rows {time.perf_counter() - t:8.2f} s  (CPU {time.process_time() - c0:.2f} s; "
            f"what the CLI and the upload page do after an import, not counted in import_csv above)"
        )
    return {}


def step_queue_log(args, data: Path) -> dict:
    setup()
    from django.db.models import Sum

    from kefu.org import services as org
    from kefu.telephony import services as tel
    from kefu.telephony.models import Call

    base_rate = json.loads((data / "baseline.json").read_text())["rate"]
    qlog = (data / "calls.log").read_bytes()
    q_talk_total = int((data / "qtalk.txt").read_text())
    center2 = org.create_center("bench-q", "基准中心 queue_log")
    load0 = os.getloadavg()[0]
    t, c0 = time.perf_counter(), time.process_time()
    out2 = tel.import_queue_log(center2, file_name="bench.log", data=qlog)
    t_q, cpu_q = time.perf_counter() - t, time.process_time() - c0
    q_talk = Call.objects.filter(center=center2).aggregate(s=Sum("talk_seconds"))["s"]
    assert out2.calls_created == args.qlog_calls and q_talk == q_talk_total
    q_rate = args.qlog_calls / t_q
    n_lines = qlog.count(b"\n")
    print(
        f"import_queue_log:  {args.qlog_calls:>9,} calls {t_q:8.2f} s  {q_rate:>9,.0f} calls/s  ratio {q_rate / base_rate:5.1f}x baseline  "
        f"goal 1M <= 15 s: {'MET' if t_q * 1_000_000 / args.qlog_calls <= 15 else 'NOT MET'} (in CPU time: "
        f"{'MET' if cpu_q * 1_000_000 / args.qlog_calls <= 15 else 'NOT MET'})  "
        f"({n_lines:,} lines, CPU {cpu_q:.2f} s; load {load0:.1f} -> {os.getloadavg()[0]:.1f})"
    )
    return {}


def step_generate(args, data: Path) -> dict:
    t = time.perf_counter()
    df = generate(args.calls)
    (data / "calls.csv").write_bytes(to_csv(df))
    (data / "calls.log").write_bytes(to_queue_log(df.head(args.qlog_calls)))
    (data / "talk.txt").write_text(str(int(df.get_column("talk").sum())))
    (data / "qtalk.txt").write_text(str(int(df.head(args.qlog_calls).get_column("talk").sum())))
    print(
        f"generated {args.calls:,} calls: CSV {(data / 'calls.csv').stat().st_size / 1e6:,.0f} MB, queue_log of "
        f"{args.qlog_calls:,} calls {(data / 'calls.log').stat().st_size / 1e6:,.0f} MB in {time.perf_counter() - t:.1f} s"
    )
    return {}


STEPS = {"generate": step_generate, "baseline": step_baseline, "csv": step_csv, "queue_log": step_queue_log}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--calls", type=int, default=1_000_000)
    ap.add_argument("--qlog-calls", type=int, default=200_000)
    ap.add_argument("--baseline-calls", type=int, default=100_000)
    ap.add_argument("--database-url", default=None, help="default: a new SQLite file in a temp directory")
    ap.add_argument(
        "--no-refresh-kpis",
        dest="refresh_kpis",
        action="store_false",
        help="do not time the rollup refresh after the CSV",
    )
    ap.add_argument("--step", choices=STEPS, help=argparse.SUPPRESS)  # internal: run one step in this process
    ap.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.step:
        result = STEPS[args.step](args, args.data)
        if args.step == "baseline":
            (args.data / "baseline.json").write_text(json.dumps(result))
        return
    data = Path(tempfile.mkdtemp(prefix="kefu-bench-calls-"))
    os.environ["KEFU_DATABASE_URL"] = args.database_url or f"sqlite:///{data / 'bench.sqlite3'}"
    print(
        f"database: {os.environ['KEFU_DATABASE_URL'].split(':')[0]}; machine shared with other jobs: timings are indicative, "
        f"compare the ratios; each step runs in a fresh process (the data is generated in one too: a child started by a big "
        f"parent inherits the parent's peak RSS in its own)"
    )
    peaks = {}
    for name in STEPS:
        proc = subprocess.Popen([sys.executable, __file__, *sys.argv[1:], "--step", name, "--data", str(data)])
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode:
            sys.exit(f"step {name} failed (exit {proc.returncode})")
        peaks[name] = usage.ru_maxrss / 1024  # the kernel's max RSS of that child
    print(
        "peak RSS per step (a fresh process each: interpreter, Django, the file's bytes and the import): "
        + ", ".join(f"{k} {v:,.0f} MB" for k, v in peaks.items())
    )
    worst = max(peaks["csv"], peaks["queue_log"])
    print(f"peak RSS of the imports: {worst:,.0f} MB  goal <= 1,536 MB: {'MET' if worst <= 1536 else 'NOT MET'}")
    print(f"load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
