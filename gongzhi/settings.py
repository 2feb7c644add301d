"""Settings, all from environment variables.

`make run` and the test suite set DEBUG and get a development key; anywhere else a real
SECRET_KEY is required and DEBUG stays off.
"""

import os
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent
VAR_DIR = Path(os.environ.get("GONGZHI_VAR_DIR", PROJECT_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


TESTING = "pytest" in sys.modules or os.environ.get("GONGZHI_TESTING") == "1"
DEBUG = env_bool("DEBUG", False) and not TESTING

_DEV_SECRET = "gongzhi-development-key-not-for-production-use-0123456789"
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG or TESTING:
        SECRET_KEY = _DEV_SECRET
    else:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set (or DEBUG=1 for local development, as `make run` does)."
        )

ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h] or (
    ["127.0.0.1", "localhost", "[::1]", "testserver"] if (DEBUG or TESTING) else []
)
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "treebeard",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "gongzhi.core",
    "gongzhi.accounts",
    "gongzhi.areas",
    "gongzhi.party",
    "gongzhi.points",
    "gongzhi.residents",
    "gongzhi.cases",
    "gongzhi.triage",
    "gongzhi.integrations",
    "gongzhi.meetings",
    "gongzhi.votes",
    "gongzhi.disclosure",
    "gongzhi.deliberation",
    "gongzhi.volunteers",
    "gongzhi.cobuilding",
    "gongzhi.care",
    "gongzhi.circle",
    "gongzhi.civility",
    "gongzhi.inspections",
    "gongzhi.assessment",
    "gongzhi.duties",
    "gongzhi.targets",
    "gongzhi.honours",
    "gongzhi.privacy",
    "gongzhi.dashboard",
    "gongzhi.benchdata",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "gongzhi.core.middleware.ChosenLanguageOnlyMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "gongzhi.core.middleware.RequestContextMiddleware",
    # the database gone or the media disk full during a request: a translated 503/507 page, not a 500
    "gongzhi.core.middleware.FaultMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "gongzhi.urls"
WSGI_APPLICATION = "gongzhi.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "gongzhi.core.navigation.navigation_context",
            ],
        },
    },
]

# DATABASE_URL selects the database everywhere; SQLite (WAL) is the embedded default.
_default_sqlite = f"sqlite:///{VAR_DIR / 'gongzhi.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", _default_sqlite), conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60"))
    )
}
# A kept connection is checked before each request reuses it: after PostgreSQL restarts, the first
# request opens a new one instead of failing on the dead one (issue 12, faults).
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("TEST_SQLITE_NAME", "")} if os.environ.get(
        "TEST_SQLITE_NAME"
    ) else {}
# DATABASE_REPLICA_URL: a read replica of the same database (PostgreSQL streaming replication) that
# dashboards, monthly reports and the dashboard's exports read from (gongzhi.core.replica); without
# it they read from the primary. In tests the alias mirrors the default database.
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"], conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60"))
    )
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["gongzhi.core.replica.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

if os.environ.get("REDIS_URL"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": os.environ["REDIS_URL"]}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

TASKS = {
    "default": {
        "BACKEND": os.environ.get(
            "TASKS_BACKEND",
            "django_tasks.backends.immediate.ImmediateBackend" if TESTING else "django_tasks_db.DatabaseBackend",
        ),
        "QUEUES": ["default", "sla", "notifications"],
    }
}

# --- Sign-in (issue 12): lock-out, password policy, staff sessions, two-factor sign-in -------------
# Failed sign-ins (the login form and the admin) are counted by django-axes in the database, per
# account and per client address separately; tokens by gongzhi.accounts.throttle, same limits.
from datetime import timedelta  # noqa: E402

INSTALLED_APPS += ["axes", "django_otp", "django_otp.plugins.otp_totp", "django_otp.plugins.otp_static"]
# Its createsuperuser (staff password policy) must come before django.contrib.auth's.
INSTALLED_APPS.insert(INSTALLED_APPS.index("django.contrib.auth"), "gongzhi.accounts.policy")
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1, "django_otp.middleware.OTPMiddleware"
)
MIDDLEWARE += ["gongzhi.accounts.middleware.SignInPolicyMiddleware", "axes.middleware.AxesMiddleware"]
# AxesBackend first: it refuses a locked account or address (and, being a ModelBackend too, it can
# load the user of a session that names it); ModelBackend then checks the password.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesBackend", "django.contrib.auth.backends.ModelBackend"]
# Off in the test suite (Django's test client signs in without a request, which axes refuses); the
# accounts tests turn it on. Everywhere else on unless AXES_ENABLED=0.
AXES_ENABLED = env_bool("AXES_ENABLED", not TESTING)
AXES_FAILURE_LIMIT = int(os.environ.get("SIGNIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("SIGNIN_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # the account and the address, each on its own
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False
# The client address (sign-in lock-out and the audit log): REMOTE_ADDR unless the operator names the
# proxy header it sets (e.g. SIGNIN_IP_HEADERS=HTTP_X_FORWARDED_FOR behind nginx, which overwrites
# it); a client cannot pick its own address.
AXES_IPWARE_META_PRECEDENCE_ORDER = [
    h for h in os.environ.get("SIGNIN_IP_HEADERS", "REMOTE_ADDR").split(",") if h
]
AXES_IPWARE_PROXY_COUNT = int(os.environ["SIGNIN_PROXY_COUNT"]) if os.environ.get("SIGNIN_PROXY_COUNT") else None
ACCOUNTS_TOKEN_FAILURE_LIMIT = int(os.environ.get("TOKEN_FAILURE_LIMIT", str(AXES_FAILURE_LIMIT)))
ACCOUNTS_TOKEN_LOCKOUT = timedelta(minutes=int(os.environ.get("TOKEN_LOCKOUT_MINUTES", "15")))
# Password policy: staff at least 10 characters (gongzhi.accounts.passwords), everyone at least 8,
# not a common or all-numeric password, not like the username or name.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "gongzhi.accounts.passwords.StaffMinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Staff sessions end after this much inactivity, and this long after signing in in any case;
# residents keep Django's session (SESSION_COOKIE_AGE, two weeks).
ACCOUNTS_STAFF_IDLE_TIMEOUT = timedelta(minutes=int(os.environ.get("STAFF_IDLE_MINUTES", "120")))
ACCOUNTS_STAFF_MAX_SESSION = timedelta(hours=int(os.environ.get("STAFF_SESSION_HOURS", "12")))
# Two-factor sign-in (TOTP): the roles that must use it default to accounts.roles.TWO_FACTOR_ROLES
# (and superusers); ACCOUNTS_2FA_REQUIRED_ROLES=role,role overrides. The test suite leaves it off
# (the accounts tests turn it on), so other apps' tests sign in with a password alone.
if os.environ.get("ACCOUNTS_2FA_REQUIRED_ROLES") is not None:
    ACCOUNTS_2FA_REQUIRED_ROLES = [r for r in os.environ["ACCOUNTS_2FA_REQUIRED_ROLES"].split(",") if r]
ACCOUNTS_2FA_SUPERUSERS = env_bool("ACCOUNTS_2FA_SUPERUSERS", True)
if TESTING:
    ACCOUNTS_2FA_REQUIRED_ROLES = []
    ACCOUNTS_2FA_SUPERUSERS = False
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "gongzhi")
# --- end of sign-in ------------------------------------------------------------------------------
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]  # the project's own strings (templates, settings, api); apps keep theirs
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600  # the language a user picks outlives the browser session
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# The project's own assets (gongzhi/static: app.css, icon); apps' static/ folders are found as usual.
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if (DEBUG or TESTING)
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING

SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not (DEBUG or TESTING))
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# --- Security headers (issue 12, item 7) ------------------------------------------------------------
# A Content-Security-Policy on every response (django-csp 4): scripts, styles, fonts and requests only
# from this origin; no inline <script>, no on*= handlers, no style="" attributes (templates use
# classes in static/gongzhi/*.css and static JS files; core/tests/test_headers.py parses every
# template and fails on one). Images also from data: and blob: (local previews). The Django admin
# (5.2) and the API docs (django-ninja's bundled Swagger UI) need nothing inline. The same policy
# applies under DEBUG (`make run` shows what production would block); django-csp leaves Django's own
# DEBUG 404/500 pages without it so they stay styled.
from csp.constants import NONE, SELF  # noqa: E402

MIDDLEWARE += ["csp.middleware.CSPMiddleware"]
# 403, 404 and 500 as the site's own pages, in the shell, with DEBUG on too (gongzhi.core.errorpages);
# SHOW_TECHNICAL_ERRORS=1 keeps Django's debug pages for a developer (tracebacks are logged either way).
MIDDLEWARE.insert(MIDDLEWARE.index("django.contrib.messages.middleware.MessageMiddleware") + 1,
                  "gongzhi.core.errorpages.ErrorPageMiddleware")
SHOW_TECHNICAL_ERRORS = env_bool("SHOW_TECHNICAL_ERRORS", False)
CSRF_FAILURE_VIEW = "gongzhi.core.errorpages.csrf_failure"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", "blob:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}
SECURE_REFERRER_POLICY = os.environ.get("SECURE_REFERRER_POLICY", "same-origin")
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# HTTPS only when DEBUG is off (tests and `make run` stay on plain http): HSTS for a year including
# subdomains, and http redirected to https. Preload stays off unless the operator opts in
# (SECURE_HSTS_PRELOAD=1): leaving the browsers' preload list takes months.
# Behind a TLS-terminating proxy, set SECURE_PROXY_SSL_HEADER to the header it sets and its value
# ("X-Forwarded-Proto: https"; the proxy MUST overwrite that header on every request) so Django knows
# the request came over https; SECURE_SSL_REDIRECT=0 then leaves the http→https redirect to the proxy.
_HTTPS_ONLY = not (DEBUG or TESTING)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600))) if _HTTPS_ONLY else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_SSL_REDIRECT = _HTTPS_ONLY and env_bool("SECURE_SSL_REDIRECT", True)
if os.environ.get("SECURE_PROXY_SSL_HEADER"):
    _proxy_header, _, _proxy_value = os.environ["SECURE_PROXY_SSL_HEADER"].partition(":")
    _proxy_header = _proxy_header.strip().upper().replace("-", "_")
    SECURE_PROXY_SSL_HEADER = (
        _proxy_header if _proxy_header.startswith("HTTP_") else f"HTTP_{_proxy_header}",
        _proxy_value.strip() or "https",
    )
# `check --deploy` is clean with production settings; the only warnings ever silenced are the
# operator's own documented choices: no preload (security.W021), and no redirect in Django when the
# operator turned it off for a proxy that redirects (security.W008).
SILENCED_SYSTEM_CHECKS = [
    *(["security.W021"] if not SECURE_HSTS_PRELOAD else []),
    *(["security.W008"] if _HTTPS_ONLY and not SECURE_SSL_REDIRECT else []),
]
# --- end of security headers -------------------------------------------------------------------------

# Working time used by deadlines (core.calendar): the periods of a working day, local time.
WORKING_PERIODS = [("09:00", "12:00"), ("13:00", "18:00")]

# Keys for personal data encryption (residents): comma-separated Fernet keys, newest first.
FIELD_ENCRYPTION_KEYS = [k for k in os.environ.get("FIELD_ENCRYPTION_KEYS", "").split(",") if k]
FIELD_HASH_KEY = os.environ.get("FIELD_HASH_KEY", "")
if not FIELD_ENCRYPTION_KEYS or not FIELD_HASH_KEY:
    if DEBUG or TESTING:
        # Deterministic development keys so `make run` works out of the box; never used in production.
        FIELD_ENCRYPTION_KEYS = FIELD_ENCRYPTION_KEYS or ["Z29uZ3poaS1kZXZlbG9wbWVudC1rZXktMDAwMDAwMDA="]
        FIELD_HASH_KEY = FIELD_HASH_KEY or "gongzhi-development-hash-key"
    else:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS and FIELD_HASH_KEY must be set.")

DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"}},
    "filters": {
        "request_id": {"()": "gongzhi.core.context.RequestIdLogFilter"},
        # ID numbers and phones never reach a log line in full (request lines carry search terms).
        "redact_pii": {"()": "gongzhi.core.pii.RedactingLogFilter"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["request_id", "redact_pii"]}
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING" if TESTING else "INFO")},
}

NINJA_PAGINATION_PER_PAGE = 50
