"""bench/appraisal.py — the monthly appraisal of 2,000 staff with a year of history, computed and written, against a
per-person loop in the same run, on SQLite and on PostgreSQL.

    .venv/bin/python bench/appraisal.py                  both databases (PostgreSQL when 127.0.0.1:5432 answers)
    .venv/bin/python bench/appraisal.py --db sqlite      one of them
    .venv/bin/python bench/appraisal.py --staff 500

Data (fixed seed, written in bulk into a scratch database): a government-preset center (grades, 000:L49-87), 2,000
appraised agents in 20 departments with ranks, employment types on the staff record and appraisal statuses on the
discipline record (a few temporary and suspended people, who are not graded), twelve months of violations (about 1.5
per person and month, numbered on the preset's ladders, one in ten voided by an upheld appeal), approved rewards, and
the eleven earlier months' appraisal rows, final. The month appraised is the twelfth.

Measured, each kefu step against the loop on the same data in the same process:
1. first computation of the month (every row inserted): `kefu.discipline.services.compute_month`, against a loop
   that reads each person's violations, 督办, rewards and row with a query of their own and saves the row;
2. recomputation (every row already there, updated; form and opinion dates kept) — the same two ways.
Both ways' rows are compared person by person (grade, reasons, deductions, bonus) before any ratio is printed.
Goal (issue 14): kefu ≤ 2 s and ≥ 10× the loop; the verdict is printed, never asserted on time.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scratch import scratch_env  # noqa: E402  (bench/scratch.py, beside this script)

GOAL_SECONDS, GOAL_RATIO = 2.0, 10.0
MONTH = date(2026, 11, 1)
NOW = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)
MONTHS = [date(2025 + (11 + i) // 12, (11 + i) % 12 + 1, 1) for i in range(12)]  # 2025-12 .. 2026-11


def build(n_staff: int, seed: int):
    from calendar import monthrange

    from django.contrib.auth.models import Group, User
    from django.db import transaction

    from kefu.discipline import ladder as L
    from kefu.discipline import machine, services
    from kefu.discipline.models import Appraisal, AppraisalMonth, Reward, StaffRecord, Violation
    from kefu.org import services as org_services
    from kefu.org.models import Department, Staff

    rng = random.Random(seed)
    center = org_services.create_center("apbench", "考核基准中心", preset="gov12345")
    types = services.policy(center)["types"]
    ladders = services.ladders(center)
    manual = [t for t in types if t not in ("qa_red_line", "overdue_order")]
    with transaction.atomic():
        depts = Department.objects.bulk_create(
            [Department(center=center, code=f"d{i:02d}", name=f"部门{i:02d}") for i in range(20)]
        )
        users = User.objects.bulk_create([User(username=f"ap{i:05d}", password="!") for i in range(n_staff + 1)])
        staff = Staff.objects.bulk_create(
            [
                Staff(user=u, center=center, staff_no=f"A{i:05d}", name=f"员工{i:05d}", department=depts[i % 20])
                for i, u in enumerate(users)
            ]
        )
        agent, manager = Group.objects.get(name="agent"), Group.objects.get(name="manager")
        through = User.groups.through
        through.objects.bulk_create(
            [through(user_id=u.pk, group_id=agent.pk) for u in users[1:]]
            + [through(user_id=users[0].pk, group_id=manager.pk)]
        )
        boss, people = staff[0], staff[1:]
        ranks = ["staff"] * 8 + ["station_deputy", "station_head"]
        # the employment type is the staff record's (temporary: not graded), the status the discipline record's
        kinds = (
            [("full_time", "active")] * 45
            + [("full_time", "probation")] * 3
            + [("temporary", "active"), ("full_time", "suspended")]
        )
        drawn = [(rng.choice(ranks), rng.choice(kinds)) for _ in people]  # the draws of earlier runs: same people
        temporary = [s.pk for s, (_, (employment, _)) in zip(people, drawn, strict=True) if employment == "temporary"]
        Staff.objects.filter(pk__in=temporary).update(employment="temporary")
        StaffRecord.objects.bulk_create(
            [
                StaffRecord(staff=s, rank=rank, status=status)
                for s, (rank, (_, status)) in zip(people, drawn, strict=True)
            ]
        )
        violations = []
        for s in people:
            for month in MONTHS:
                last = monthrange(month.year, month.month)[1]
                n = min(9, int(rng.expovariate(1 / 1.5)))
                events = sorted(
                    (date(month.year, month.month, rng.randint(1, last)), rng.choice(manual)) for _ in range(n)
                )
                numbers = L.number_occurrences([L.Event(str(s.pk), t, d) for d, t in events], ladders)
                for (day, type_code), k in zip(events, numbers, strict=True):
                    voided = rng.random() < 0.1
                    violations.append(
                        Violation(
                            center=center,
                            staff=s,
                            department_id=s.department_id,
                            type_code=type_code,
                            occurred_on=day,
                            source="manual",
                            note="查岗",
                            occurrence=0 if voided else k,
                            sanction={} if voided else L.sanction_to_data(L.penalty_for(ladders[type_code], k)),
                            state=machine.VOIDED if voided else rng.choice(machine.ACTIVE),
                            appeal_due=day,
                        )
                    )
        Violation.objects.bulk_create(violations, batch_size=2000)
        Reward.objects.bulk_create(
            [
                Reward(
                    center=center,
                    staff=s,
                    type_code="report_violation",
                    amount=50,
                    month=m,
                    reason="举报违规",
                    state="approved",
                    proposed_by=boss,
                    decided_by=boss,
                )
                for s in people
                for m in MONTHS
                if rng.random() < 0.05
            ]
        )
        for month in MONTHS[:-1]:
            period = AppraisalMonth.objects.create(
                center=center, month=month, final=True, computed_at=NOW, finalised_by=boss, finalised_at=NOW
            )
            Appraisal.objects.bulk_create(
                [
                    Appraisal(period=period, staff=s, grade=rng.choice(["good", "fair"]), base=160, bonus=144)
                    for s in people
                ],
                batch_size=2000,
            )
    return center, boss, len(violations)


def loop_month(scope, month: date) -> None:
    """The per-person way: each person's violations, 督办, rewards and row read with queries of their own."""
    from decimal import Decimal

    from django.db import transaction
    from django.db.models import Sum

    from kefu.discipline import appraisal as A
    from kefu.discipline import machine, services
    from kefu.discipline.models import Appraisal, AppraisalMonth, Reward, Violation
    from kefu.tickets.models import Escalation

    scheme = services.policy(scope.center)["appraisal"]
    last = A.month_bounds(month)[1]
    with transaction.atomic():
        period, _ = AppraisalMonth.objects.get_or_create(center=scope.center, month=month)
        for person in services.appraised_staff(scope.center):
            vs = [
                v.sanction
                for v in Violation.objects.filter(
                    center=scope.center, staff=person, state__in=machine.ACTIVE, occurred_on__range=(month, last)
                )
            ]
            supervised = Escalation.objects.filter(
                order__center=scope.center, order__handler=person, at__date__range=(month, last)
            ).count()
            reward = Reward.objects.filter(center=scope.center, staff=person, month=month, state="approved").aggregate(
                s=Sum("amount")
            )["s"] or Decimal(0)
            row = Appraisal.objects.filter(period=period, staff=person).first()
            services.appraise(
                services.person_of(person),
                sanctions=vs,
                supervised=supervised,
                reward=reward,
                qa=None,
                scheme=scheme,
                period=period,
                month=month,
                now=NOW,
                row=row,
            ).save()
        period.computed_at = NOW
        period.save(update_fields=["computed_at"])


def snapshot(center, month: date) -> dict:
    from kefu.discipline.models import Appraisal

    return {
        r[0]: r[1:]
        for r in Appraisal.objects.filter(period__center=center, period__month=month).values_list(
            "staff_id", "graded", "violations", "grade", "reasons", "deductions", "forfeit", "rewards", "fines", "bonus"
        )
    }


def clear(center, month: date) -> None:
    from kefu.discipline.models import AppraisalMonth

    AppraisalMonth.objects.filter(center=center, month=month).delete()


CPU: list[float] = []  # this process's CPU seconds of each timed call (the machine may be shared: wall time waits)
LOAD: list[float] = []  # the machine's 1-minute load average when each timed call ended


def timed(fn, *args) -> float:
    began, cpu = time.perf_counter(), time.process_time()
    fn(*args)
    CPU.append(time.process_time() - cpu)
    LOAD.append(os.getloadavg()[0])
    return time.perf_counter() - began


def profile(fn, *args) -> tuple[float, list[tuple[float, str]]]:
    """One untimed call with every SQL statement's and the commit's wall time taken (client side: the server's work
    and the wait for it); returns the call's wall time and the statements, slowest first."""
    from django.db import connection

    spent: list[tuple[float, str]] = []

    def clock(execute, sql, params, many, context):
        began = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent.append((time.perf_counter() - began, " ".join(sql.split())[:90]))

    commit = connection.commit

    def timed_commit():  # the COMMIT is not a statement of the cursor: timed on its own (the wait for the WAL flush)
        began = time.perf_counter()
        try:
            return commit()
        finally:
            spent.append((time.perf_counter() - began, "COMMIT"))

    began = time.perf_counter()
    connection.commit = timed_commit
    try:
        with connection.execute_wrapper(clock):
            fn(*args)
    finally:
        del connection.commit
    return time.perf_counter() - began, sorted(spent, reverse=True)


def print_profile(db: str, label: str, wall: float, spent: list[tuple[float, str]]) -> None:
    total = sum(t for t, _ in spent)
    print(
        f"[{db}]   剖析（{label}，单独一次）：墙钟 {wall:.2f} s，SQL {len(spent)} 条共 {total:.2f} s"
        f"（{100 * total / wall:.0f}%），负载 {os.getloadavg()[0]:.1f}；最慢："
    )
    for t, sql in spent[:4]:
        print(f"[{db}]     {t * 1000:7.1f} ms  {sql}")


def run(db: str, n_staff: int, repeat: int, loop: bool) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from kefu.discipline import services
    from kefu.scope import scope_of

    call_command("migrate", verbosity=0)
    began = time.perf_counter()
    center, boss, n_violations = build(n_staff, 14)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    print(
        f"[{db}] {n_staff:,} 人，一年违规 {n_violations:,} 条，前 11 个月考核 {11 * n_staff:,} 行；"
        f"造数 {time.perf_counter() - began:.1f} s；CPU {os.cpu_count()} 核"
    )
    scope = scope_of(boss)

    def kefu_month():
        services.compute_month(scope, MONTH, now=NOW)

    clear(center, MONTH)
    print_profile(db, "首次计算", *profile(kefu_month))
    print_profile(db, "重新计算", *profile(kefu_month))
    first_kefu, again_kefu, cpu_first, cpu_again, load_first, load_again = [], [], [], [], [], []
    for _ in range(repeat):
        clear(center, MONTH)
        first_kefu.append(timed(kefu_month))
        cpu_first.append(CPU[-1])
        load_first.append(LOAD[-1])
        again_kefu.append(timed(kefu_month))
        cpu_again.append(CPU[-1])
        load_again.append(LOAD[-1])
    kefu_rows = snapshot(center, MONTH)
    if not loop:
        print(f"[{db}] 未运行逐人循环（--no-loop）：只有 kefu 的时间，没有倍数")
        for label, times, cpu, load in (
            ("首次计算（插入）", first_kefu, cpu_first, load_first),
            ("重新计算（更新）", again_kefu, cpu_again, load_again),
        ):
            print(
                f"[{db}] {label}：kefu {statistics.median(times):.2f} s（{repeat} 次中位数，最快 {min(times):.2f} s）"
                f"  CPU {statistics.median(cpu):.2f} s  负载 {min(load):.1f}–{max(load):.1f}"
            )
        return
    clear(center, MONTH)
    first_loop = timed(loop_month, scope, MONTH)
    cpu_loop_first, load_loop_first = CPU[-1], LOAD[-1]
    again_loop = timed(loop_month, scope, MONTH)
    cpu_loop_again, load_loop_again = CPU[-1], LOAD[-1]
    loop_rows = snapshot(center, MONTH)
    assert len(kefu_rows) == n_staff and kefu_rows == loop_rows, "两种算法的结果不一致"
    graded = [r for r in kefu_rows.values() if r[0]]
    grades = {g: sum(r[2] == g for r in graded) for g in ("excellent", "good", "fair", "poor")}
    print(f"[{db}] 结果一致：{len(kefu_rows):,} 行，参加考评 {len(graded):,}，等次 {grades}")
    verdicts = []
    for label, kefu_times, loop_time, cpu, cpu_loop, load, load_loop in (
        ("首次计算（插入）", first_kefu, first_loop, cpu_first, cpu_loop_first, load_first, load_loop_first),
        ("重新计算（更新）", again_kefu, again_loop, cpu_again, cpu_loop_again, load_again, load_loop_again),
    ):
        t = statistics.median(kefu_times)
        ratio = loop_time / t
        ok = t <= GOAL_SECONDS and ratio >= GOAL_RATIO
        verdicts.append(ok)
        print(
            f"[{db}] {label}：kefu {t:.2f} s（{repeat} 次中位数，最快 {min(kefu_times):.2f} s）  "
            f"逐人循环 {loop_time:.2f} s  倍数 {ratio:.1f}×  目标 ≤{GOAL_SECONDS:g} s 且 ≥{GOAL_RATIO:g}×："
            f"{'达到' if ok else '未达到'}"
        )
        print(
            f"[{db}]   本进程 CPU：kefu {statistics.median(cpu):.2f} s  逐人循环 {cpu_loop:.2f} s"
            f"（CPU 倍数 {cpu_loop / statistics.median(cpu):.1f}×；数据库服务器的 CPU 不在其中）  "
            f"负载（1 分钟平均）：kefu {min(load):.1f}–{max(load):.1f}  逐人循环 {load_loop:.1f}"
        )
    print(f"[{db}] 结论：{'达到目标' if all(verdicts) else '未达到目标'}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--staff", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-loop", action="store_true", help="kefu's times and profile only (no ratio)")
    parser.add_argument("--child", action="store_true")
    args = parser.parse_args()
    if args.child:
        run(args.db, args.staff, args.repeat, not args.no_loop)
        return
    for db in ["sqlite", "postgres"] if args.db == "both" else [args.db]:
        env = scratch_env(db, "appraisal")
        if env is None:
            continue
        env["KEFU_DEBUG"] = "0"  # as in production: no query log kept in memory (development mode keeps one)
        subprocess.run(
            [sys.executable, __file__, "--child", "--db", db, "--staff", str(args.staff), "--repeat", str(args.repeat)]
            + (["--no-loop"] if args.no_loop else []),
            env=env,
            check=True,
        )


if __name__ == "__main__":
    main()
