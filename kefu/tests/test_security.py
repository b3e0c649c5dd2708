"""Safe defaults and login hardening (issue 12): settings refuse to start without their keys outside the explicit
development mode, logins are throttled (django-axes), pages carry a Content-Security-Policy that their scripts
satisfy, and errors are Chinese — JSON under /api/, a page elsewhere."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client, RequestFactory

from conftest import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
PROBE = (
    "import json; from django.conf import settings; print(json.dumps({'debug': settings.DEBUG, "
    "'hosts': settings.ALLOWED_HOSTS, 'hsts': getattr(settings, 'SECURE_HSTS_SECONDS', 0), "
    "'secure_cookie': settings.SESSION_COOKIE_SECURE}))"
)


def settings_with(**env) -> subprocess.CompletedProcess:
    """Import kefu.settings in a fresh interpreter with only these KEFU_* variables."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("KEFU_", "DJANGO_"))}
    clean.update(env, DJANGO_SETTINGS_MODULE="kefu.settings")
    return subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=60
    )


def test_without_keys_the_server_refuses_to_start():
    run = settings_with()
    assert run.returncode != 0 and "KEFU_SECRET_KEY 未设置" in run.stderr and "KEFU_DEV=1" in run.stderr
    run = settings_with(KEFU_SECRET_KEY="s" * 50)
    assert run.returncode != 0 and "KEFU_FIELD_KEY 未设置" in run.stderr


def test_production_defaults_are_safe():
    run = settings_with(KEFU_SECRET_KEY="s" * 50, KEFU_FIELD_KEY="f" * 43 + "=")
    assert run.returncode == 0, run.stderr
    seen = json.loads(run.stdout)
    assert seen["debug"] is False and seen["hosts"] == [] and seen["secure_cookie"] is True
    assert seen["hsts"] >= 365 * 24 * 3600


def test_development_mode_is_explicit_and_never_any_host():
    seen = json.loads(settings_with(KEFU_DEV="1").stdout)
    assert seen["debug"] is True and "*" not in seen["hosts"] and "127.0.0.1" in seen["hosts"]


# --- login throttling ------------------------------------------------------------------------------------------
def _login(client, username, password, ip="10.0.0.1"):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_wrong_passwords_lock_the_username_from_that_address(make_staff, settings):
    staff = make_staff("agent")
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        assert _login(client, staff.user.username, "wrong-password").status_code in (200, 429)
    locked = _login(client, staff.user.username, PASSWORD)
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "登录已暂时锁定" in page and "30 分钟" in page
    assert "_auth_user_id" not in client.session
    # Username + address: the same person at another desk still gets in.
    other = Client()
    assert _login(other, staff.user.username, PASSWORD, ip="10.0.0.2").status_code == 302
    assert "_auth_user_id" in other.session


def test_a_right_password_before_the_limit_logs_in_and_resets(make_staff, settings):
    staff = make_staff("agent")
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _login(client, staff.user.username, "wrong-password")
    assert _login(client, staff.user.username, PASSWORD).status_code == 302


# --- Content-Security-Policy -----------------------------------------------------------------------------------
def _templates():
    return [p for p in (ROOT / "kefu").rglob("templates/**/*.html")]


def test_no_template_needs_unsafe_inline_scripts_or_eval():
    """Inline handlers (onclick=…) and hx-vals='js:…' cannot run under the policy; an inline <script> must carry
    the request's nonce."""
    problems = []
    for path in _templates():
        text = path.read_text(encoding="utf-8")
        rel = path.relative_to(ROOT)
        problems += [f"{rel}: {m.group(0)}" for m in re.finditer(r"\son[a-z]+\s*=\s*[\"']", text)]
        problems += [f"{rel}: hx-vals js:" for _ in re.finditer(r"hx-vals\s*=\s*[\"']js:", text)]
        problems += [
            f"{rel}: {m.group(0)}"
            for m in re.finditer(r"<script(?![^>]*\b(src|nonce|type=\"application/json\")\b)[^>]*>", text)
        ]
    assert not problems, "\n".join(problems)


def test_pages_carry_the_policy_and_their_inline_script_its_nonce(make_staff, client_for):
    client = client_for(make_staff("manager"))
    r = client.get("/")
    policy = r.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "'unsafe-eval'" not in policy and "object-src 'none'" in policy
    nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
    assert f'"inlineScriptNonce": "{nonce}"' in r.content.decode()  # htmx's swapped scripts use the same nonce


# --- error pages and bodies ------------------------------------------------------------------------------------
def test_unparsable_api_body_is_a_chinese_problem(make_staff, client_for):
    client = client_for(make_staff("agent"))
    r = client.post("/api/tickets/orders", data="{not json", content_type="application/json")
    assert r.status_code == 400
    assert r.json() == {
        "detail": [
            {
                "field": "body",
                "rule": "json_invalid",
                "message": "请求体无法解析：应为合法的 JSON（Content-Type: application/json）",
            }
        ]
    }


def test_api_csrf_failure_is_a_chinese_problem(make_staff):
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_staff("agent").user)
    r = client.post("/api/tickets/orders", data="{}", content_type="application/json")
    assert r.status_code == 403
    assert r.json()["detail"][0]["rule"] == "csrf" and "CSRF 校验失败" in r.json()["detail"][0]["message"]


def test_unknown_api_url_is_json_and_unknown_page_is_chinese(db):
    r = Client().get("/api/no-such-thing")
    assert r.status_code == 404 and r.json()["detail"][0]["rule"] == "not_found"
    r = Client().get("/no-such-page/")
    assert r.status_code == 404 and "页面不存在" in r.content.decode()


def test_bad_host_and_server_error_pages_are_chinese(db):
    r = Client().get("/", HTTP_HOST="evil.example")
    assert r.status_code == 400 and "请求不正确" in r.content.decode()
    r = Client().get("/api/tickets/orders", HTTP_HOST="evil.example")
    assert r.status_code == 400 and r.json()["detail"][0]["rule"] == "bad_request"
    from kefu.urls import server_error

    page = server_error(RequestFactory().get("/tickets/"))
    assert page.status_code == 500 and "服务器内部错误" in page.content.decode()
    api = server_error(RequestFactory().get("/api/tickets/orders"))
    assert api.status_code == 500 and json.loads(api.content)["detail"][0]["rule"] == "server_error"


def test_page_csrf_failure_is_chinese(db):
    r = Client(enforce_csrf_checks=True).post("/login/", {"username": "x", "password": "y"})
    assert r.status_code == 403 and "安全校验（CSRF）未通过" in r.content.decode()


def test_a_method_the_api_does_not_take_is_a_chinese_problem(db):
    r = Client().put("/api/org/staff")
    assert r.status_code == 405 and r.headers["Allow"]
    assert r.json()["detail"][0]["rule"] == "method" and "不支持此请求方法" in r.json()["detail"][0]["message"]


@pytest.mark.browser
def test_api_docs_and_admin_run_under_the_policy(page):
    """The page fixture fails the test on any Content-Security-Policy report: Swagger UI and Django's admin."""
    page.goto(page.base_url + "/api/docs")
    page.locator(".swagger-ui .info").first.wait_for()
    page.goto(page.base_url + "/admin/login/")
    page.locator("#login-form").wait_for()
