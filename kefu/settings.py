"""kefu settings. Everything that differs between machines comes from the environment.

KEFU_DATABASE_URL / DATABASE_URL  default: SQLite (WAL) in var/kefu.sqlite3
REDIS_URL                         default: unset -> Celery runs tasks eagerly, in-process
KEFU_SECRET_KEY                   default: a development key (refused when KEFU_DEBUG=0)
KEFU_FIELD_KEY                    Fernet key for customer fields encrypted at rest
KEFU_DEBUG                        "1" (default) or "0"
KEFU_ALLOWED_HOSTS                comma-separated, default "*" in debug
KEFU_TIME_ZONE                    default Asia/Shanghai
"""
import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("KEFU_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = os.environ.get("KEFU_DEBUG", "1") == "1"
SECRET_KEY = os.environ.get("KEFU_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise RuntimeError("KEFU_SECRET_KEY 未设置：生产环境必须提供密钥")
    SECRET_KEY = "kefu-development-only-key-do-not-use-in-production"
# Customer fields are encrypted with this Fernet key (urlsafe base64, 32 bytes).
FIELD_ENCRYPTION_KEY = os.environ.get("KEFU_FIELD_KEY", "")
if not FIELD_ENCRYPTION_KEY and not DEBUG:
    raise RuntimeError("KEFU_FIELD_KEY 未设置：生产环境必须提供字段加密密钥")

ALLOWED_HOSTS = [h for h in os.environ.get("KEFU_ALLOWED_HOSTS", "*" if DEBUG else "").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("KEFU_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

# One app per domain; the order matters only for the demo builder (org first).
KEFU_APPS = [
    "kefu.org",
    "kefu.audit",
    "kefu.customers",
    "kefu.workcal",
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
    "kefu.web",
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",
    *KEFU_APPS,
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "kefu.web.middleware.ChineseFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

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

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
]
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
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Celery: Redis in production; on the embedded default tasks run eagerly and
# `kefu run-timers` fires the periodic ones in-process (see kefu/web/timers.py).
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
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
if not DEBUG:
    SESSION_COOKIE_SECURE = os.environ.get("KEFU_SECURE_COOKIES", "1") == "1"
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
