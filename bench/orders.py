#!/usr/bin/env python3
"""Order creation and a full order lifecycle through the HTTP API, 20 concurrent clients, against kefu and
django-helpdesk served the same way (gunicorn, same worker count, loopback only), on SQLite and PostgreSQL.

Self-contained: builds django-helpdesk's virtual environment and a minimal Django project for it under
bench/.envs/, creates fresh databases, users and tokens, starts and stops both servers. Request counts are
bounded (CLIENTS × per-client counts). Prints throughput and p50/p95 latency of each, and the ratios
kefu / helpdesk measured in this same run (the baseline is django-helpdesk's ticket creation).

    ./dev bench orders                 # both databases
    ./dev bench orders --db sqlite     # one database
    ./dev bench orders --creates 10 --lifecycles 2   # a shorter run

Lifecycles: kefu — create, review, dispatch, resolve, reply, archive (6 requests, the textbook's complaint
flow); helpdesk — create, comment, resolve, close (4 requests, its own ticket flow). Creation is the like-for-like
comparison; the lifecycle numbers are given per request and per completed lifecycle.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENVS = ROOT / "bench" / ".envs"
KEFU_PY = ROOT / ".venv" / "bin" / "python"
HD_ENV = ENVS / "helpdesk"
HD_PY = HD_ENV / "bin" / "python"
HD_PROJECT = ENVS / "helpdesk_project"
PG_URL = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
WORKERS = int(os.environ.get("BENCH_WORKERS", "4"))  # gunicorn sync workers, the same for both servers
HOST = "127.0.0.1"


# ------------------------------------------------------------------ processes


def sh(cmd: list, *, env=None, cwd=None, capture=False) -> str:
    res = subprocess.run(
        [str(c) for c in cmd],
        env=env,
        cwd=cwd,
        text=True,
        stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    if res.returncode != 0:
        sys.exit(f"命令失败：{' '.join(map(str, cmd))}\n{res.stderr[-3000:]}")
    return res.stdout if capture else ""


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def wait_ready(port: int, path: str, proc: subprocess.Popen, seconds: float = 240) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit(f"服务器启动失败（端口 {port}）：\n{proc.stderr.read()[-3000:] if proc.stderr else ''}")
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=2)
            conn.request("GET", path)
            conn.getresponse().read()
            return
        except OSError:
            time.sleep(0.3)
    sys.exit(f"服务器 {seconds:.0f} 秒内未就绪（端口 {port}）")


class Server:
    def __init__(self, python: Path, app: str, cwd: Path, env: dict, probe: str):
        self.port = free_port()
        self.proc = subprocess.Popen(
            [
                str(python),
                "-m",
                "gunicorn",
                app,
                "--bind",
                f"{HOST}:{self.port}",
                "--workers",
                str(WORKERS),
                "--worker-class",
                "sync",
                "--timeout",
                "120",
                "--log-level",
                "warning",
            ],
            cwd=cwd,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        wait_ready(self.port, probe, self.proc)

    def cpu(self) -> float:
        """CPU seconds used so far by gunicorn's master and workers (user + system)."""
        return process_cpu([self.proc.pid, *children_of(self.proc.pid)])

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()


TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _stat(pid: int) -> list[str] | None:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()
    except OSError:
        return None


def children_of(pid: int) -> list[int]:
    return [int(p) for p in os.listdir("/proc") if p.isdigit() and (st := _stat(int(p))) and int(st[1]) == pid]


def process_cpu(pids) -> float:
    """User + system CPU seconds of these processes (Linux /proc; 0 elsewhere)."""
    total = 0
    for pid in pids:
        st = _stat(pid)
        if st:
            total += int(st[11]) + int(st[12])
    return total / TICK


def pg_backends(dbname: str) -> list[int]:
    """PostgreSQL server processes serving this database (their title names it)."""
    found = []
    for p in os.listdir("/proc"):
        if p.isdigit():
            try:
                with open(f"/proc/{p}/cmdline", "rb") as f:
                    title = f.read().decode(errors="replace")
            except OSError:
                continue
            if title.startswith("postgres: ") and f" {dbname} " in title:
                found.append(int(p))
    return found


def reset_pg(name: str) -> str:
    code = textwrap.dedent(f"""
        import psycopg
        with psycopg.connect("{PG_URL}/postgres", autocommit=True) as c:
            c.execute('DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            c.execute('CREATE DATABASE "{name}"')
    """)
    sh([KEFU_PY, "-c", code])
    return f"{PG_URL}/{name}"


# ------------------------------------------------------------------ kefu

KEFU_SETUP = textwrap.dedent("""
    import json
    from kefu.org import services
    from kefu.org.models import ApiToken, Department
    center = services.create_center("bench", "基准测试中心")
    billing = Department.objects.create(center=center, code="billing", name="计费结算部")
    people = {
        "agent": services.create_staff(center, staff_no="7001", name="话务员", roles=["agent"], username="b_agent"),
        "dispatcher": services.create_staff(center, staff_no="7002", name="转单员", roles=["dispatcher"], username="b_disp"),
        "handler": services.create_staff(center, staff_no="7003", name="处理人", roles=["dept_handler"], username="b_hand",
                                         department=billing),
    }
    Department.objects.filter(pk=billing.pk).update(liaison=people["handler"], leader=people["handler"])
    print(json.dumps({k: ApiToken.issue(s.user, "bench")[1] for k, s in people.items()}))
""")


def kefu_env(db: str) -> dict:
    from_venv = sh(
        [KEFU_PY, "-c", "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"], capture=True
    )
    var = ENVS / f"orders-kefu-{db}"
    shutil.rmtree(var, ignore_errors=True)
    var.mkdir(parents=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KEFU_", "DATABASE_URL", "REDIS_URL"))}
    env.update(
        KEFU_DEBUG="0",
        KEFU_SECRET_KEY="bench-" + "x" * 40,
        KEFU_FIELD_KEY=from_venv.strip(),
        KEFU_ALLOWED_HOSTS=HOST,
        KEFU_SECURE_COOKIES="0",
        KEFU_VAR_DIR=str(var),
        KEFU_LOG_LEVEL="ERROR",
    )
    if db == "postgres":
        env["KEFU_DATABASE_URL"] = reset_pg("kefu_bench_orders")
    return env


def start_kefu(db: str) -> tuple[Server, dict]:
    env = kefu_env(db)
    sh([KEFU_PY, "manage.py", "migrate", "--noinput"], env=env, cwd=ROOT)
    tokens = json.loads(
        sh([KEFU_PY, "manage.py", "shell", "-c", KEFU_SETUP], env=env, cwd=ROOT, capture=True).strip().splitlines()[-1]
    )
    return Server(KEFU_PY, "kefu.wsgi:application", ROOT, env, "/login/"), tokens


def kefu_order(i: int) -> dict:
    return {
        "kind": "complaint",
        "phone": f"139{i % 100000000:08d}",
        "customer_name": "张三",
        "subject": "话费多扣",
        "description": f"本月话费比上月多扣了50元，要求核查（基准 {i}）",
        "category": "tariff",
        "level": 2,
    }


def kefu_create(conn, tokens, i):
    return request(conn, "POST", "/api/tickets/orders", kefu_order(i), tokens["agent"], "Bearer", 201)


def kefu_lifecycle(conn, tokens, i, record):
    order = record(request(conn, "POST", "/api/tickets/orders", kefu_order(i), tokens["agent"], "Bearer", 201))
    steps = [
        ("dispatcher", {"name": "review", "review_opinion": "有效投诉"}),
        ("dispatcher", {"name": "dispatch", "dispatch_opinion": "请核查计费", "department": "billing"}),
        ("handler", {"name": "resolve", "result": "已退还多扣费用", "cause": "重复扣费"}),
        ("agent", {"name": "reply", "reply_opinion": "已告知用户退费结果", "satisfaction": "satisfied"}),
        ("dispatcher", {"name": "archive", "analysis": "计费系统重复扣费"}),
    ]
    for who, body in steps:
        order = record(
            request(
                conn,
                "POST",
                f"/api/tickets/orders/{order['id']}/transitions",
                {**body, "version": order["version"]},
                tokens[who],
                "Bearer",
                200,
            )
        )
    if order["state"] != "archived":
        raise RuntimeError(f"kefu 工单未归档：{order['state']}")


# ------------------------------------------------------------------ django-helpdesk


def write_helpdesk_project() -> None:
    (HD_PROJECT / "hdproj").mkdir(parents=True, exist_ok=True)
    (HD_PROJECT / "hdproj" / "__init__.py").write_text("")
    (HD_PROJECT / "manage.py").write_text(
        textwrap.dedent("""
        import os, sys
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hdproj.settings")
        from django.core.management import execute_from_command_line
        execute_from_command_line(sys.argv)
    """)
    )
    (HD_PROJECT / "hdproj" / "settings.py").write_text(
        textwrap.dedent('''
        """Minimal production-style project for django-helpdesk, generated by bench/orders.py."""
        import os
        from pathlib import Path
        from urllib.parse import urlparse

        BASE_DIR = Path(__file__).resolve().parent.parent
        SECRET_KEY = "bench-" + "y" * 40
        DEBUG = False
        ALLOWED_HOSTS = ["127.0.0.1"]
        INSTALLED_APPS = [
            "django.contrib.admin", "django.contrib.auth", "django.contrib.contenttypes", "django.contrib.sessions",
            "django.contrib.messages", "django.contrib.staticfiles", "django.contrib.sites", "django.contrib.humanize",
            "rest_framework", "rest_framework.authtoken", "helpdesk",
        ]
        MIDDLEWARE = [
            "django.middleware.security.SecurityMiddleware", "django.contrib.sessions.middleware.SessionMiddleware",
            "django.middleware.common.CommonMiddleware", "django.middleware.csrf.CsrfViewMiddleware",
            "django.contrib.auth.middleware.AuthenticationMiddleware", "django.contrib.messages.middleware.MessageMiddleware",
        ]
        ROOT_URLCONF = "hdproj.urls"
        TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True, "OPTIONS": {
            "context_processors": ["django.template.context_processors.request", "django.contrib.auth.context_processors.auth",
                                   "django.contrib.messages.context_processors.messages"]}}]
        WSGI_APPLICATION = "hdproj.wsgi.application"
        url = os.environ.get("HD_DATABASE_URL", "")
        if url:
            u = urlparse(url)
            DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql", "NAME": u.path.lstrip("/"), "USER": u.username,
                                     "HOST": u.hostname, "PORT": u.port or 5432, "CONN_MAX_AGE": 60}}
        else:
            # the same SQLite settings as kefu's embedded default: WAL, IMMEDIATE transactions, persistent connections
            DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.environ["HD_SQLITE"], "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;",
                "transaction_mode": "IMMEDIATE", "timeout": 20}, "CONN_MAX_AGE": 60}}
        DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
        USE_TZ = True
        TIME_ZONE = "Asia/Shanghai"
        STATIC_URL = "/static/"
        MEDIA_ROOT = BASE_DIR / "media"
        SITE_ID = 1
        LOGIN_URL = "/helpdesk/login/"
        EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
        HELPDESK_TEAMS_MODE_ENABLED = False
        REST_FRAMEWORK = {"DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.TokenAuthentication"]}
        LOGGING = {"version": 1, "root": {"level": "ERROR"}}
    ''')
    )
    (HD_PROJECT / "hdproj" / "urls.py").write_text(
        textwrap.dedent("""
        from django.urls import include, path
        urlpatterns = [path("helpdesk/", include("helpdesk.urls"))]
    """)
    )
    (HD_PROJECT / "hdproj" / "wsgi.py").write_text(
        textwrap.dedent("""
        import os
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hdproj.settings")
        from django.core.wsgi import get_wsgi_application
        application = get_wsgi_application()
    """)
    )


HD_SETUP = textwrap.dedent("""
    import json
    from django.contrib.auth import get_user_model
    from rest_framework.authtoken.models import Token
    from helpdesk.models import Queue
    user = get_user_model().objects.create_user("bench", "bench@example.invalid", "bench-pass-123", is_staff=True, is_superuser=True)
    queue = Queue.objects.create(title="Bench", slug="bench")
    print(json.dumps({"token": Token.objects.create(user=user).key, "queue": queue.pk}))
""")


def ensure_helpdesk_env() -> None:
    if not HD_PY.exists():
        sh([shutil.which("python3") or sys.executable, "-m", "venv", HD_ENV])
    ok = (
        subprocess.run(
            [HD_PY, "-c", "import helpdesk, gunicorn, psycopg, rest_framework"], capture_output=True
        ).returncode
        == 0
    )
    if not ok:
        sh([HD_PY, "-m", "pip", "install", "-q", "django-helpdesk", "gunicorn", "psycopg[binary]"])


def start_helpdesk(db: str) -> tuple[Server, dict]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HD_", "DJANGO_SETTINGS_MODULE"))}
    env["DJANGO_SETTINGS_MODULE"] = "hdproj.settings"
    if db == "postgres":
        env["HD_DATABASE_URL"] = reset_pg("helpdesk_bench_orders")
    else:
        path = ENVS / "orders-helpdesk-sqlite" / "helpdesk.sqlite3"
        shutil.rmtree(path.parent, ignore_errors=True)
        path.parent.mkdir(parents=True)
        env["HD_SQLITE"] = str(path)
    sh([HD_PY, "manage.py", "migrate", "--noinput"], env=env, cwd=HD_PROJECT)
    info = json.loads(
        sh([HD_PY, "manage.py", "shell", "-c", HD_SETUP], env=env, cwd=HD_PROJECT, capture=True)
        .strip()
        .splitlines()[-1]
    )
    return Server(HD_PY, "hdproj.wsgi:application", HD_PROJECT, env, "/helpdesk/login/"), info


def hd_ticket(info, i) -> dict:
    return {
        "queue": info["queue"],
        "title": "话费多扣",
        "description": f"本月话费比上月多扣了50元，要求核查（基准 {i}）",
        "submitter_email": f"user{i}@example.invalid",
        "priority": 3,
    }


def hd_create(conn, info, i):
    return request(conn, "POST", "/helpdesk/api/tickets/", hd_ticket(info, i), info["token"], "Token", 201)


def hd_lifecycle(conn, info, i, record):
    ticket = record(request(conn, "POST", "/helpdesk/api/tickets/", hd_ticket(info, i), info["token"], "Token", 201))
    for body in (
        {"title": "处理中", "comment": "已转计费核查"},
        {"title": "已解决", "comment": "已退还多扣费用", "new_status": 3},
        {"title": "关闭", "comment": "用户满意", "new_status": 4},
    ):
        record(
            request(
                conn, "POST", "/helpdesk/api/followups/", {"ticket": ticket["id"], **body}, info["token"], "Token", 201
            )
        )


# ------------------------------------------------------------------ load


class Failed(Exception):
    pass


def request(port, method, path, body, token, scheme, expect):
    t0 = time.perf_counter()
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    try:
        conn.request(
            method,
            path,
            body=json.dumps(body).encode(),
            headers={
                "Authorization": f"{scheme} {token}",
                "Content-Type": "application/json",
                "Accept": "application/json",
            },
        )
        res = conn.getresponse()
        data = res.read()
    finally:
        conn.close()
    elapsed = time.perf_counter() - t0
    if res.status != expect:
        raise Failed(f"{method} {path} → {res.status}（期望 {expect}）：{data[:300].decode(errors='replace')}")
    return elapsed, json.loads(data)


def run_load(clients: int, per_client: int, job) -> dict:
    """`clients` threads each run `job(port_like, i, record)` per_client times; returns the timings."""
    latencies: list[float] = []
    errors: list[str] = []
    done = [0]
    lock = threading.Lock()

    def record(result):
        elapsed, body = result
        with lock:
            latencies.append(elapsed)
        return body

    def worker(c):
        for k in range(per_client):
            try:
                job(c * 100000 + k, record)
                with lock:
                    done[0] += 1
            except Exception as exc:  # noqa: BLE001 — counted and shown, the run goes on
                with lock:
                    errors.append(str(exc))

    threads = [threading.Thread(target=worker, args=(c,)) for c in range(clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    lat = sorted(latencies)
    pct = lambda p: lat[min(len(lat) - 1, int(round(p * (len(lat) - 1))))] * 1000 if lat else float("nan")  # noqa: E731
    return {
        "units": done[0],
        "requests": len(lat),
        "errors": errors,
        "wall": wall,
        "unit_rate": done[0] / wall,
        "req_rate": len(lat) / wall,
        "p50": pct(0.50),
        "p95": pct(0.95),
        "mean": statistics.fmean(lat) * 1000 if lat else float("nan"),
    }


def line(system, db, what, r, unit):
    err = f" 错误={len(r['errors'])}" if r["errors"] else ""
    return (
        f"{system:<9}{db:<9}{what:<10}{unit}={r['units']:<5} 请求={r['requests']:<5} 用时={r['wall']:6.1f}s "
        f"吞吐={r['unit_rate']:7.1f} {unit}/s ({r['req_rate']:6.1f} req/s)  p50={r['p50']:7.1f}ms  p95={r['p95']:7.1f}ms{err}"
    )


def cpu_line(system, db, what, r):
    """CPU per request of the server (gunicorn master + workers) and, on PostgreSQL, of its database backends.

    Unlike throughput this hardly depends on what else the machine runs, so its ratio is the steadier one."""
    per = lambda seconds: seconds / max(1, r["requests"]) * 1000  # noqa: E731
    db_part = f" + 数据库 {per(r['db_cpu']):5.1f}" if db == "postgres" else ""
    return (
        f"{system:<9}{db:<9}{what:<10}CPU/请求 = {per(r['app_cpu'] + r['db_cpu']):5.1f} ms"
        f"（应用 {per(r['app_cpu']):5.1f}{db_part}）"
    )


PG_NAMES = {"kefu": "kefu_bench_orders", "helpdesk": "helpdesk_bench_orders"}


class BackendCpu:
    """CPU of a database's PostgreSQL backends during a run, sampled twice a second: connections older than
    CONN_MAX_AGE are replaced mid-run, and a backend's time must be read before it exits."""

    def __init__(self, dbname: str | None):
        self.dbname, self.first, self.last = dbname, {}, {}
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> None:
        for pid in pg_backends(self.dbname):
            cpu = process_cpu([pid])
            self.first.setdefault(pid, cpu if not self.thread.is_alive() else 0.0)  # new mid-run: all of it counts
            self.last[pid] = cpu

    def _run(self) -> None:
        while not self.stop.wait(0.5):
            self._sample()

    def __enter__(self):
        if self.dbname:
            self._sample()
            self.thread.start()
        return self

    def __exit__(self, *exc):
        if self.dbname:
            self.stop.set()
            self.thread.join()
            self._sample()

    @property
    def seconds(self) -> float:
        return sum(self.last[pid] - self.first[pid] for pid in self.last)


def measured(server, db, system, clients, per_client, job) -> dict:
    app0 = server.cpu()
    with BackendCpu(PG_NAMES[system] if db == "postgres" else None) as backends:
        r = run_load(clients, per_client, job)
    r["app_cpu"], r["db_cpu"] = server.cpu() - app0, backends.seconds
    return r


def bench_db(db: str, args) -> dict:
    out = {}
    for system in ("kefu", "helpdesk"):
        server, creds = start_kefu(db) if system == "kefu" else start_helpdesk(db)
        try:
            port = server.port
            create = (
                (lambda i, record: record(kefu_create(port, creds, i)))
                if system == "kefu"
                else (lambda i, record: record(hd_create(port, creds, i)))
            )
            cycle = (
                (lambda i, record: kefu_lifecycle(port, creds, i, record))
                if system == "kefu"
                else (lambda i, record: hd_lifecycle(port, creds, i, record))
            )
            run_load(args.clients, 2, create)  # warm-up: every worker imports and connects
            out[(system, "create")] = r = measured(server, db, system, args.clients, args.creates, create)
            print(line(system, db, "创建", r, "单"), flush=True)
            out[(system, "cycle")] = r = measured(server, db, system, args.clients, args.lifecycles, cycle)
            print(line(system, db, "全流程", r, "流程"), flush=True)
            for what, key in (("创建", "create"), ("全流程", "cycle")):
                print(cpu_line(system, db, what, out[(system, key)]), flush=True)
            for r in (out[(system, "create")], out[(system, "cycle")]):
                for e in r["errors"][:3]:
                    print("    错误：", e[:300])
        finally:
            server.stop()
    k, h = out[("kefu", "create")], out[("helpdesk", "create")]
    print(
        f"比值     {db:<9}创建    吞吐 kefu/helpdesk = {k['unit_rate'] / h['unit_rate']:.2f}x   "
        f"p95 kefu/helpdesk = {k['p95'] / h['p95']:.2f}x   (目标：吞吐 ≥ 2x 且 p95 ≤ 1x)",
        flush=True,
    )
    cpu = lambda r: (r["app_cpu"] + r["db_cpu"]) / max(1, r["requests"])  # noqa: E731
    if cpu(k) > 0:
        print(
            f"比值     {db:<9}创建    每单 CPU helpdesk/kefu = {cpu(h) / cpu(k):.2f}x   (2 核满载时吞吐比的上限估计)",
            flush=True,
        )
    kc, hc = out[("kefu", "cycle")], out[("helpdesk", "cycle")]
    print(
        f"比值     {db:<9}全流程  每请求吞吐 kefu/helpdesk = {kc['req_rate'] / hc['req_rate']:.2f}x   "
        f"p95 kefu/helpdesk = {kc['p95'] / hc['p95']:.2f}x   (kefu 6 步 / helpdesk 4 步)",
        flush=True,
    )
    if cpu(kc) > 0:
        print(f"比值     {db:<9}全流程  每请求 CPU helpdesk/kefu = {cpu(hc) / cpu(kc):.2f}x", flush=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--creates", type=int, default=25, help="creations per client (default 25 → 500)")
    parser.add_argument("--lifecycles", type=int, default=5, help="lifecycles per client (default 5 → 100)")
    args = parser.parse_args()
    args.clients = max(1, min(args.clients, 50))
    args.creates = max(1, min(args.creates, 200))
    args.lifecycles = max(1, min(args.lifecycles, 50))
    ENVS.mkdir(parents=True, exist_ok=True)
    (ENVS / ".gitignore").write_text("*\n")
    ensure_helpdesk_env()
    write_helpdesk_project()
    print(
        f"orders 基准：{args.clients} 个并发客户端，gunicorn {WORKERS} 个 sync worker，仅回环地址；"
        f"每库 创建 {args.clients * args.creates} 单，全流程 {args.clients * args.lifecycles} 个；CPU {os.cpu_count()} 核",
        flush=True,
    )
    dbs = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    for db in dbs:
        bench_db(db, args)


if __name__ == "__main__":
    main()
