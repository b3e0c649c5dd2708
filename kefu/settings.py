"""kefu settings. Everything that differs between machines comes from the environment.

Safe by default: without KEFU_DEV=1 DEBUG is off, no host is allowed unless listed, and the server refuses to
start without its secret key and field key. `./dev demo|serve|timers|test` and `kefu.settings_dev` (pytest)
turn on the development mode explicitly.

KEFU_DEV                          "1": development mode (DEBUG on, localhost, public development keys)
KEFU_DATABASE_URL / DATABASE_URL  default: SQLite (WAL) in var/kefu.sqlite3
REDIS_URL                         default: unset -> Celery runs tasks eagerly, in-process
KEFU_SECRET_KEY                   required outside development mode
KEFU_FIELD_KEY                    Fernet key for customer fields encrypted at rest; required outside development mode
KEFU_DEBUG                        "1" or "0"; default "1" in development mode, "0" otherwise
KEFU_ALLOWED_HOSTS                comma-separated; default none ("localhost,127.0.0.1,[::1]" in development mode)
KEFU_HSTS_SECONDS                 Strict-Transport-Security max-age outside development mode (default one year, 0 = off)
KEFU_TIME_ZONE                    default Asia/Shanghai
KEFU_EMAIL_HOST / _PORT / _USER / _PASSWORD / _USE_TLS / KEFU_EMAIL_FROM
                                  SMTP for e-mail (notifications, the manager's reports); unset in development mode:
                                  e-mails are printed to the console
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("KEFU_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEV_MODE = os.environ.get("KEFU_DEV", "") == "1"
DEBUG = os.environ.get("KEFU_DEBUG", "1" if DEV_MODE else "0") == "1"
SECRET_KEY = os.environ.get("KEFU_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEV_MODE:
        raise ImproperlyConfigured(
            'KEFU_SECRET_KEY 未设置：请设置随机密钥（例如 python -c "import secrets; print(secrets.token_urlsafe(50))"），'
            "或以开发模式运行（KEFU_DEV=1，仅限本机开发与示范）"
        )
    SECRET_KEY = "kefu-development-only-key-do-not-use-in-production"
# Customer fields are encrypted with this Fernet key (urlsafe base64, 32 bytes). Development mode only: empty,
# derived from the public development SECRET_KEY (kefu/audit/crypto.py).
FIELD_ENCRYPTION_KEY = os.environ.get("KEFU_FIELD_KEY", "")
if not FIELD_ENCRYPTION_KEY and not DEV_MODE:
    raise ImproperlyConfigured(
        'KEFU_FIELD_KEY 未设置：客户字段加密需要 Fernet 密钥（python -c "from cryptography.fernet import Fernet; '
        'print(Fernet.generate_key().decode())"），或以开发模式运行（KEFU_DEV=1）'
    )

ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("KEFU_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEV_MODE else "").split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("KEFU_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

# One app per domain; the order matters only for the demo builder (org first).
KEFU_APPS = [
    "kefu.org",
    "kefu.audit",
    "kefu.customers",
    "kefu.workcal",
    "kefu.notify",
    "kefu.tickets",
    "kefu.shiftlog",
    "kefu.telephony",
    "kefu.kpi",
    "kefu.wfm",
    "kefu.roster",
    "kefu.attendance",
    "kefu.quality",
    "kefu.knowledge",
    "kefu.training",
    "kefu.followup",
    "kefu.discipline",
    "kefu.shop",
    "kefu.workbench",
    "kefu.web",
]

INSTALLED_APPS = [
    "kefu.org.admin_scope.KefuAdminConfig",  # django.contrib.admin, every ModelAdmin scoped to the center
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",
    "axes",
    *KEFU_APPS,
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "kefu.web.middleware.ChineseFirstMiddleware",
    "kefu.web.middleware.ApiErrorJsonMiddleware",  # any non-JSON error under /api/ answered as JSON
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "kefu.web.inputs.InputMiddleware",  # control characters cleaned; RuleViolation -> 400 page
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]
# django-axes first: it refuses a locked-out username+IP before the password is checked.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]

ROOT_URLCONF = "kefu.urls"
WSGI_APPLICATION = "kefu.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "kefu" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "kefu.web.context.navigation",
            ],
        },
    },
]

_db_url = os.environ.get("KEFU_DATABASE_URL") or os.environ.get("DATABASE_URL")
if _db_url:
    DATABASES = {"default": dj_database_url.parse(_db_url, conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "kefu.sqlite3",
            "OPTIONS": {
                # WAL lets readers go on while one writer commits; IMMEDIATE avoids lock upgrades mid-transaction.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
            # Persistent, like PostgreSQL's: opening a connection (PRAGMAs, Django's SQL functions) costs more
            # CPU than a typical API request's own queries.
            "CONN_MAX_AGE": 60,
            "TEST": {"NAME": os.environ.get("KEFU_TEST_SQLITE_NAME") or None},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Applied wherever kefu sets a password (kefu.org.services); the demo seeding alone bypasses them, explicitly.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Login throttling (django-axes): 5 wrong passwords for one username from one address lock that pair out for
# 30 minutes; a successful login resets the count. Counted in the database (no cache dependency).
AXES_ENABLED = os.environ.get("KEFU_LOGIN_LOCKOUT", "1") == "1"
AXES_FAILURE_LIMIT = int(os.environ.get("KEFU_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("KEFU_LOGIN_COOLOFF_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked.html"
# The client address: REMOTE_ADDR, or X-Forwarded-For set by the reverse proxy when KEFU_BEHIND_PROXY=1.
BEHIND_PROXY = os.environ.get("KEFU_BEHIND_PROXY", "0") == "1"
AXES_CLIENT_IP_CALLABLE = "kefu.web.middleware.client_ip"
LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/login/"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "kefu" / "locale"]
TIME_ZONE = os.environ.get("KEFU_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
_NODE = BASE_DIR / "node_modules"
# ECharts and HTMX come from the npm registry (./dev installs them); never committed.
STATICFILES_DIRS = [BASE_DIR / "kefu" / "static"] + [
    (prefix, path)
    for prefix, path in [
        ("vendor/echarts", _NODE / "echarts" / "dist"),
        ("vendor/htmx", _NODE / "htmx.org" / "dist"),
    ]
    if path.exists()
]

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    # Short socket timeouts: an unreachable Redis costs a request a second at most (callers fall back to the database).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Celery: Redis in production; on the embedded default tasks run eagerly and
# `kefu run-timers` fires the periodic ones in-process (see kefu/web/timers.py).
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_CONNECTION_TIMEOUT = 2  # a publish to an unreachable broker gives up quickly (the scan is the backstop)
CELERY_TIMEZONE = TIME_ZONE
# Periodic tasks: name -> seconds. Apps add theirs in their apps.py ready() via kefu.web.timers.register.
CELERY_BEAT_SCHEDULE: dict = {}

NINJA_PAGINATION_PER_PAGE = 50

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("KEFU_LOG_LEVEL", "WARNING")},
}

SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEV_MODE:
    # Production is served over HTTPS behind a reverse proxy (docs/production.md).
    SESSION_COOKIE_SECURE = os.environ.get("KEFU_SECURE_COOKIES", "1") == "1"
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_HSTS_SECONDS = int(os.environ.get("KEFU_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = os.environ.get("KEFU_HSTS_SUBDOMAINS", "0") == "1"
    SECURE_SSL_REDIRECT = os.environ.get("KEFU_SSL_REDIRECT", "0") == "1"
    if BEHIND_PROXY:  # the proxy terminates TLS and overwrites X-Forwarded-Proto; HSTS is sent on HTTPS requests only
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy (django-csp 4): scripts and styles from our own static files only; the few inline
# scripts carry the per-request nonce (`nonce="{{ request.csp_nonce }}"`). Style attributes (style="...") and
# ECharts' canvas styles are allowed; <style> elements are not.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# E-mail (Django's mail API): SMTP when KEFU_EMAIL_HOST is set; development mode without it prints to the console.
EMAIL_HOST = os.environ.get("KEFU_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("KEFU_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("KEFU_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("KEFU_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("KEFU_EMAIL_USE_TLS", "") == "1"
DEFAULT_FROM_EMAIL = os.environ.get("KEFU_EMAIL_FROM", "kefu@localhost")
EMAIL_BACKEND = (
    "django.core.mail.backends.console.EmailBackend"
    if DEV_MODE and "KEFU_EMAIL_HOST" not in os.environ
    else "django.core.mail.backends.smtp.EmailBackend"
)
