"""Timpora settings: one module, configured only through environment variables.

Development defaults (a throw-away secret, loopback hosts, plain HTTP) apply only in the
embedded development mode: under ``python -m timpora.embedded`` (``make run`` / ``make test``
without URLs), or a plain ``manage.py`` with neither ``DATABASE_URL`` nor ``REDIS_URL`` set (it
talks to those embedded servers). Anywhere else ``SECRET_KEY``, ``DEBUG`` and ``ALLOWED_HOSTS``
must be set (as well as both URLs): a missing one stops the start, it is never guessed.
``DEBUG`` is off by default even in development, so the demo shows the portal's own 404 and 500
pages; ``DEBUG=1`` gives Django's debug pages to a developer. ``manage.py check --deploy --fail-level WARNING`` passes with production values.
"""

from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# Local state: embedded database and Redis, media, beat schedule, collected static files.
# TIMPORA_VAR_DIR moves it (a fresh temporary directory gives a fresh embedded setup).
VAR_DIR = Path(env("TIMPORA_VAR_DIR", default=str(BASE_DIR / "var")))

# TIMPORA_DEVELOPMENT is set by the embedded launcher (timpora/embedded.py) and by the test
# settings (timpora/settings_test.py); it is not a production variable.
_URLS_GIVEN = bool(env("DATABASE_URL", default="") or env("REDIS_URL", default=""))
DEVELOPMENT_MODE = env.bool("TIMPORA_DEVELOPMENT", default=False) or not _URLS_GIVEN


def _required(name: str) -> str:
    """A variable production must set: outside the development mode a missing one is an error
    at start, never a default (a forgotten DEBUG must not mean DEBUG on)."""
    value = env(name, default="")
    if not value:
        raise ImproperlyConfigured(
            f"{name} must be set (outside the embedded development mode of `make run` there is "
            "no default); see .env.example"
        )
    return value


# https://django-environ.readthedocs.io/en/latest/
if DEVELOPMENT_MODE:
    DEBUG = env.bool("DEBUG", default=False)
else:
    _required("DEBUG")
    DEBUG = env.bool("DEBUG")

SECRET_KEY = env("SECRET_KEY", default="") if DEVELOPMENT_MODE else _required("SECRET_KEY")
if not SECRET_KEY:
    SECRET_KEY = "embedded-development-only-not-secret-" + "x" * 20

if DEVELOPMENT_MODE:
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
else:
    _required("ALLOWED_HOSTS")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Development default: the embedded servers of `make run` (timpora/embedded.py), reached through
# their sockets under VAR_DIR, so a plain `manage.py shell` or `makemigrations --check` works
# beside a running `make run` (and fails naming the socket when it is not running).
EMBEDDED_DATABASE_URL = f"postgresql://postgres:@/timpora?host={VAR_DIR / 'pgdata'}"
EMBEDDED_REDIS_URL = f"unix://{VAR_DIR / 'redis' / 'redis.sock'}?db=0"
if not DEVELOPMENT_MODE and not (env("DATABASE_URL", default="") and env("REDIS_URL", default="")):
    raise ImproperlyConfigured("DATABASE_URL and REDIS_URL must both be set; see .env.example")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "guardian",
    "axes",
    "pgtrigger",
    "pghistory",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "agencies",
    "foreigners",
    "reports",
    "devdata",
    "accounts",
]

MIDDLEWARE = [
    # First: answers /healthz before SecurityMiddleware (no HTTPS redirect) and before anything
    # reads the Host header, so container probes on http://localhost:8000 work whatever
    # ALLOWED_HOSTS says. It reveals only reachability.
    "timpora.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Django 6's Content-Security-Policy header (SECURE_CSP below).
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below whitenoise (static files stay cacheable): every page and API answer is no-store.
    "accounts.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "timpora.i18n.LanguageCookieMiddleware",  # Indonesian unless switched (not Accept-Language)
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Idle and absolute session limits, then the second factor (django-otp marks the request
    # verified; accounts sends a user who needs a second factor to enter or enrol one).
    "accounts.middleware.SessionLimitsMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.TwoFactorMiddleware",
    "accounts.middleware.ApiInputMiddleware",
    "accounts.throttles.LookupThrottleMiddleware",
    # After authentication: writes the one access-log row of a response that showed personal
    # data (agencies.audit), and gives every write's history its user and URL (pghistory).
    "agencies.audit.AuditMiddleware",
    "agencies.history.HistoryMiddleware",  # pghistory's, minus read-only POSTs
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires: turns a locked-out login attempt into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "timpora.urls"
WSGI_APPLICATION = "timpora.wsgi.application"

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
                "agencies.context_processors.access",
                "timpora.context_processors.portal",
                "agencies.context_processors.notifications",
            ],
            "builtins": ["timpora.template_helpers"],
        },
    },
]
# Django's form renderer with <select> written in Python (timpora/form_renderer.py).
FORM_RENDERER = "timpora.form_renderer.FormRenderer"

# --- Database: always PostgreSQL (https://django-environ.readthedocs.io/en/latest/types.html#environ-env-db-url)
DATABASES = {"default": env.db_url("DATABASE_URL", default=EMBEDDED_DATABASE_URL)}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"].setdefault("OPTIONS", {})
# PostgreSQL's JIT compiles any query whose estimated cost passes jit_above_cost: on the scoped
# list pages (1M people, a few thousand rows per kecamatan) compiling took ~170 ms for a query
# that runs in ~40 ms (docs/PERFORMANCE.md, access policy). Off for this OLTP workload;
# DB_JIT=on turns it back on.
_session_options = [] if env("DB_JIT", default="off") == "on" else ["-c jit=off"]
# The history triggers (django-pgtrigger, under django-pghistory) first ask whether they are to
# be skipped: current_setting('pgtrigger.ignore'). Unset, that raises, and each trigger call
# catches the error by rolling back a subtransaction, which scans every deferred foreign-key
# check queued so far in the transaction: opening n flags in one statement cost O(n²) (a first
# national rules scan ran for over 14 minutes in one statement; 20,000 rows 1.6 s instead of
# 0.05 s). An empty list from the session's start answers "skip nothing" without an error;
# pgtrigger.ignore() still sets its own list for its transaction.
_session_options.append("-c pgtrigger.ignore={}")
# Options given in DATABASE_URL come last: a later -c wins, so they override these defaults.
_given = DATABASES["default"]["OPTIONS"].get("options", "")
DATABASES["default"]["OPTIONS"]["options"] = " ".join(filter(None, [*_session_options, _given]))
DATABASES["default"]["TEST"] = {"NAME": env("TEST_DATABASE_NAME", default=None)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: cache and Celery broker share one server (different logical databases in production
# if wanted, by giving different URLs).
REDIS_URL = env("REDIS_URL", default="") or EMBEDDED_REDIS_URL


def _celery_redis_url(url: str) -> str:
    """Kombu spells a Unix-socket Redis ``redis+socket:///path?virtual_host=N``."""
    parts = urlsplit(url)
    if parts.scheme in ("unix", "socket", "redis+socket"):
        db = parse_qs(parts.query).get("db", ["0"])[0]
        return f"redis+socket://{parts.path}?virtual_host={db}"
    return url


CACHES = {
    "default": {
        "BACKEND": "timpora.cache.SharedClientRedisCache",  # one client per pool (timpora/cache.py)
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="timpora"),
        "TIMEOUT": 300,
    }
}

AUTHENTICATION_BACKENDS = [
    # First: refuses any login for a username+address that is locked out (django-axes).
    "timpora.security.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# django-guardian supplies the object-permission tables the share rows live in; the selectors
# join them in SQL and nothing calls has_perm(obj), so its authentication backend is not hooked.
# guardian.W001: its object backend is left out on purpose (nothing calls has_perm(obj)).
# drf_spectacular.W001: the submission API and the read API name the same choice sets (country,
# sex) twice in the schema; the schema stays correct, only the enum names repeat.
SILENCED_SYSTEM_CHECKS = ["guardian.W001", "drf_spectacular.W001"]
# django-guardian: no anonymous user row; anonymous visitors never see records.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

# Argon2id first (new and re-hashed passwords), with OWASP's parameters (accounts.hashers); the
# others only read hashes made before it.
# https://docs.djangoproject.com/en/stable/topics/auth/passwords/#using-argon2-with-django
PASSWORD_HASHERS = [
    "accounts.hashers.Argon2idHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
# ASVS 6.2: at least 12 characters, no common password, no composition rules.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# --- Language and time: Bahasa Indonesia first, English second; Parepare is on WITA, store UTC.
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The language switch (django.views.i18n.set_language) stores the choice in this cookie; it
# outlives the session so the choice survives signing out and in again on the same device.
# https://docs.djangoproject.com/en/stable/ref/settings/#language-cookie-age
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "Asia/Makassar"
USE_I18N = True
USE_TZ = True

# --- Static and media. Media (photos) are private: served only through permission-checked views.
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": env("MEDIA_ROOT", default=str(VAR_DIR / "media"))},
    },
    "staticfiles": {
        # https://whitenoise.readthedocs.io/en/stable/django.html#add-compression-and-caching-support
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEVELOPMENT_MODE
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        ),
    },
}
MEDIA_ROOT = STORAGES["default"]["OPTIONS"]["location"]
# Development serves static files from the app directories as they change (and needs no
# collectstatic); production serves the collected, hashed files indexed once at start-up.
WHITENOISE_AUTOREFRESH = DEVELOPMENT_MODE
WHITENOISE_USE_FINDERS = DEVELOPMENT_MODE
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
# Photos: each at most 10 MB and 40 megapixels, checked before decoding (foreigners.images);
# a form takes at most 5 photos (a field error beyond), and Django refuses a request carrying
# more than 10 files outright (400, CVE-2023-24580).
UPLOAD_MAX_BYTES = 10 * 1024 * 1024
UPLOAD_MAX_PIXELS = 40_000_000
DATA_UPLOAD_MAX_NUMBER_FILES = 10

# --- Maps (Leaflet, vendored). No tile server by default: pages load nothing from outside the
# server, and the maps draw the approximate region outlines (static/geo, `manage.py
# region_outlines`) as their base. Set MAP_TILE_URL (e.g. an internal tile server,
# "https://tiles.example/{z}/{x}/{y}.png") to draw tiles under the outlines.
MAP_TILE_URL = env("MAP_TILE_URL", default="")
MAP_TILE_ATTRIBUTION = env("MAP_TILE_ATTRIBUTION", default="")
# Parepare's city centre and harbour (agencies/data/regions_parepare.csv notes).
MAP_CENTER = [
    env.float("MAP_CENTER_LAT", default=-4.0167),
    env.float("MAP_CENTER_LON", default=119.6236),
]

# --- Email: one variable, EMAIL_URL, turned into Django 6.1's MAILERS (the EMAIL_BACKEND /
# EMAIL_HOST… settings are deprecated and may not be combined with MAILERS).
# https://docs.djangoproject.com/en/6.1/ref/settings/#mailers
# Schemes: consolemail:// (default: prints mail), smtp://user:pass@host:25, smtp+tls://…:587
# (STARTTLS), smtp+ssl://…:465, filemail:///absolute/dir, memorymail://, dummymail://.
# Tests need nothing: Django's test runner swaps every mailer for the locmem backend.


def _mailers_from_url(url: str) -> dict:
    config = environ.Env.email_url_config(url)
    backend = config["EMAIL_BACKEND"]
    options: dict = {}
    if backend.endswith(".smtp.EmailBackend"):
        options = {
            "host": config.get("EMAIL_HOST") or "localhost",
            "port": config.get("EMAIL_PORT"),
            "username": config.get("EMAIL_HOST_USER") or "",
            "password": config.get("EMAIL_HOST_PASSWORD") or "",
            "use_tls": bool(config.get("EMAIL_USE_TLS")),
            "use_ssl": bool(config.get("EMAIL_USE_SSL")),
            "timeout": int(parse_qs(urlsplit(url).query).get("timeout", ["30"])[0]),
        }
    elif backend.endswith(".filebased.EmailBackend"):
        # django-environ drops the leading slash of filemail:///abs/path; read the path ourselves.
        path = urlsplit(url).path or str(VAR_DIR / "mail")
        options = {"file_path": path}
    return {"default": {"BACKEND": backend, "OPTIONS": options}}


MAILERS = _mailers_from_url(env("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Timpora <no-reply@timpora.localhost>")
SERVER_EMAIL = env("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
EMAIL_SUBJECT_PREFIX = "[Timpora] "
# Who gets server-error mail: comma-separated addresses.
ADMINS = env.list("ADMINS", default=[])

# --- Security (https://docs.djangoproject.com/en/stable/howto/deployment/checklist/)
SESSION_COOKIE_HTTPONLY = True
# Sessions are written to the database and read from the cache (Redis) in front of it: every
# request reads its session, and the database read was a round trip per page (5 % of a web
# worker's time under the load test). The database stays the record; ending a user's sessions
# deletes both (accounts.services.user_sessions_end).
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# ASVS 4.0.3 3.3.2 (L2): 30 minutes idle, 12 hours absolute. accounts.middleware enforces both
# on the server; the cookie and the session row expire with the idle limit.
SESSION_IDLE_SECONDS = env.int("SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_ABSOLUTE_SECONDS = env.int("SESSION_ABSOLUTE_SECONDS", default=12 * 3600)
SESSION_COOKIE_AGE = SESSION_IDLE_SECONDS
# The development mode serves plain HTTP on the loopback interface; everything else is HTTPS.
_HTTPS = not DEVELOPMENT_MODE
SESSION_COOKIE_SECURE = _HTTPS
CSRF_COOKIE_SECURE = _HTTPS
LANGUAGE_COOKIE_SECURE = _HTTPS
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=_HTTPS)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if _HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = _HTTPS
SECURE_HSTS_PRELOAD = _HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (Django 6, https://docs.djangoproject.com/en/6.0/ref/csp/): scripts,
# styles and everything else from this server only, no inline script or style attribute.
# Map tiles (MAP_TILE_URL, below) are the one allowed outside origin.
_TILE_ORIGIN = "{0.scheme}://{0.netloc}".format(urlsplit(env("MAP_TILE_URL", default="")))
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", *([_TILE_ORIGIN] if _TILE_ORIGIN != "://" else [])],
    "connect-src": [CSP.SELF],
    "font-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
# /healthz answers plain HTTP for container probes (see HealthCheckMiddleware; this exemption
# covers the case where the middleware is removed).
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# Behind a reverse proxy (nginx, a load balancer) the client address is in X-Forwarded-For;
# PROXY_COUNT says how many proxies of ours append to it (0: use REMOTE_ADDR).
PROXY_COUNT = env.int("PROXY_COUNT", default=0)

# --- Login lockout (django-axes, https://django-axes.readthedocs.io/en/latest/4_configuration.html)
# Lock the username *from that address* after 5 failures for 30 minutes (ASVS 6.1.1, 6.3.1): an
# attacker elsewhere cannot lock a known officer out. A successful login resets the count.
# Unlock early with `manage.py axes_reset_username USERNAME`.
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# No start-up banner on every manage.py command; lockouts are still logged.
AXES_VERBOSE = False
AXES_LOCKOUT_CALLABLE = "timpora.security.lockout_response"
AXES_CLIENT_IP_CALLABLE = "timpora.security.client_ip"

# --- Two-factor sign-in (django-otp: TOTP apps and one-time backup codes; accounts/)
# Supervisors, agency admins and the system admin must use a second factor; TWO_FACTOR_FOR_ALL=1
# requires it of every account. Anyone who enrolled is asked for it. Only the test settings turn
# the enforcement off (tests that check it turn it back on).
TWO_FACTOR_FOR_ALL = env.bool("TWO_FACTOR_FOR_ALL", default=False)
TWO_FACTOR_ENFORCED = True
OTP_TOTP_ISSUER = "Timpora"
# A failed code doubles the wait before the next try (django-otp's throttling).
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
BACKUP_CODE_COUNT = 10
# Pages whose requests are name or passport lookups when one of these parameters is given; they
# share the API's "lookup" rate per account (accounts.throttles).
LOOKUP_THROTTLED_PAGES = {
    "foreigner-list": ["q", "document_number"],
    "foreigner-lookup": ["q"],
}

# --- Django REST framework
# History of every write (agencies.history): event tables refuse UPDATE and DELETE too.
# https://django-pghistory.readthedocs.io/en/stable/settings/
PGHISTORY_APPEND_ONLY = True
# The user and URL are attached to the writes of these requests (GETs change no record, and
# leaving them out keeps the statement rewriting off every page view).
PGHISTORY_MIDDLEWARE_METHODS = ("POST", "PUT", "PATCH", "DELETE")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "agencies.paging.EstimatedCountPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Per account (session) or per API token; name and passport lookups have their own, lower
    # rate (accounts.throttles.LookupThrottle). DRF's counters are not atomic: a brake, not a
    # security control (django-axes and two-factor sign-in are).
    "DEFAULT_THROTTLE_CLASSES": [
        "accounts.throttles.UserOrTokenThrottle",
        "accounts.throttles.LookupThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "user_or_token": env("API_THROTTLE_RATE", default="600/min"),
        "lookup": env("LOOKUP_THROTTLE_RATE", default="60/min"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Timpora API",
    "VERSION": "1",
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
}

# --- Celery (https://docs.celeryq.dev/en/stable/userguide/configuration.html)
CELERY_BROKER_URL = _celery_redis_url(REDIS_URL)
CELERY_RESULT_BACKEND = None
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_QUEUE", default="timpora")
# Tasks are idempotent, so a task is acknowledged only after it ran; a worker that dies mid-task
# gets it redelivered. One message at a time per process keeps long scans from hoarding others.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 600
CELERY_TASK_TIME_LIMIT = 900
# Redis redelivers unacknowledged messages after the visibility timeout; keep it above the longest
# task's time limit (the daily scan's is 35 min). Tests lower it to watch a redelivery happen.
# https://docs.celeryq.dev/en/stable/getting-started/backends-and-brokers/redis.html#visibility-timeout
_VISIBILITY_TIMEOUT = env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": _VISIBILITY_TIMEOUT,
    "unacked_restore_interval": max(1, min(10, _VISIBILITY_TIMEOUT // 3)),
    "unacked_restore_throttle": 1 if _VISIBILITY_TIMEOUT < 60 else 10,
}
# Run tasks in-process (tests and a worker-less demo); never in production.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# How long the supervisor dashboard's figures are kept (issue 14: at most 5 minutes), one entry
# per access (reports.dashboard_cache); 0 computes them on every request.
DASHBOARD_CACHE_SECONDS = min(env.int("DASHBOARD_CACHE_SECONDS", default=300), 300)
# The dashboards asked for in the last DASHBOARD_WARM_SECONDS are recomputed by beat every
# DASHBOARD_REFRESH_SECONDS (reports.dashboard_cache), so their officers rarely wait.
DASHBOARD_WARM_SECONDS = env.int("DASHBOARD_WARM_SECONDS", default=1800)
DASHBOARD_REFRESH_SECONDS = env.float("DASHBOARD_REFRESH_SECONDS", default=240.0)
# How many rules the daily scan runs at once, each on its own database connection (the rules
# are independent; reports.rules.rules_run): one per core of the database server.
RULES_SCAN_CONNECTIONS = max(1, env.int("RULES_SCAN_CONNECTIONS", default=2))
# The outbox sweep (reports.outbox) runs sighting rules the broker never delivered: every
# minute, for rows older than the grace period (younger ones are normally in flight). The fault
# tests shorten both to watch a sweep happen.
SIGHTING_OUTBOX_SWEEP_SECONDS = env.float("SIGHTING_OUTBOX_SWEEP_SECONDS", default=60.0)
SIGHTING_OUTBOX_GRACE_SECONDS = env.int("SIGHTING_OUTBOX_GRACE_SECONDS", default=30)
# Tasks between agencies: the assignee is reminded this many days before the due date.
TASK_REMINDER_DAYS = env.int("TASK_REMINDER_DAYS", default=2)
# Exports larger than this many rows run as a Celery task (progress bar, download link).
EXPORT_SYNC_MAX_ROWS = env.int("EXPORT_SYNC_MAX_ROWS", default=5000)
# A static schedule: django-celery-beat does not support Django 6.1 yet. Each entry expires so a
# backlog after downtime does not run the same job many times.
CELERY_BEAT_SCHEDULE: dict = {
    "shares-expire-hourly": {
        "task": "agencies.shares_expire",
        "schedule": 3600.0,
        "options": {"expires": 3000},
    },
    # reports — flag rules (CELERY_TIMEZONE is WITA, so 01:00 is 01:00 in Parepare).
    "rules-daily-scan": {
        "task": "reports.rules_daily_scan",
        "schedule": crontab(hour=1, minute=0),
        "options": {"expires": 6 * 3600},
    },
    "dashboards-refresh": {
        "task": "reports.dashboards_refresh",
        "schedule": DASHBOARD_REFRESH_SECONDS,
        "options": {"expires": DASHBOARD_REFRESH_SECONDS * 0.9},
    },
    "sighting-outbox-sweep": {
        "task": "reports.sighting_outbox_sweep",
        "schedule": SIGHTING_OUTBOX_SWEEP_SECONDS,
        "options": {"expires": SIGHTING_OUTBOX_SWEEP_SECONDS * 0.9},
    },
    # reports — tasks between agencies: remind before the due date, escalate when overdue.
    "tasks-remind": {
        "task": "reports.tasks_remind",
        "schedule": crontab(minute=15),
        "options": {"expires": 3000},
    },
    "tasks-escalate": {
        "task": "reports.tasks_escalate",
        "schedule": crontab(minute=45),
        "options": {"expires": 3000},
    },
    # reports — photos held for a sighting form with errors that was never resent.
    "held-photos-purge": {
        "task": "reports.held_photos_purge",
        "schedule": crontab(minute=30),
        "options": {"expires": 3000},
    },
    "flags-daily-digest": {
        "task": "reports.flags_digest_daily",
        "schedule": crontab(hour=7, minute=0),
        "options": {"expires": 6 * 3600},
    },
}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"require_debug_false": {"()": "django.utils.log.RequireDebugFalse"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        # Server errors by email to ADMINS, in production only.
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false"],
        },
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Django's own console handler prints only with DEBUG on and its records also reach
        # the root handler: without this every development log line appeared twice.
        "django": {"handlers": ["console", "mail_admins"], "level": "INFO", "propagate": False},
        "django.db.backends": {"level": "INFO"},
    },
}
