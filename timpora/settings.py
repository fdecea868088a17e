"""Timpora settings: one module, configured only through environment variables.

Defaults are safe for the embedded development mode only (``DEBUG`` on, a throw-away secret).
Production sets ``DEBUG=0`` and must then provide ``SECRET_KEY``, ``ALLOWED_HOSTS``,
``DATABASE_URL`` and ``REDIS_URL``; ``manage.py check --deploy`` passes with those.
"""

from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# Local state: embedded database and Redis, media, beat schedule, collected static files.
# TIMPORA_VAR_DIR moves it (a fresh temporary directory gives a fresh embedded setup).
VAR_DIR = Path(env("TIMPORA_VAR_DIR", default=str(BASE_DIR / "var")))
# https://django-environ.readthedocs.io/en/latest/
DEBUG = env.bool("DEBUG", default=True)

SECRET_KEY = env("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "embedded-development-only-not-secret-" + "x" * 20

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Development default: the embedded servers of `make run` (timpora/embedded.py), reached through
# their sockets under VAR_DIR, so a plain `manage.py shell` or `makemigrations --check` works
# beside a running `make run` (and fails naming the socket when it is not running).
EMBEDDED_DATABASE_URL = f"postgresql://postgres:@/timpora?host={VAR_DIR / 'pgdata'}"
EMBEDDED_REDIS_URL = f"unix://{VAR_DIR / 'redis' / 'redis.sock'}?db=0"
if not env("DATABASE_URL", default="") or not env("REDIS_URL", default=""):
    if not DEBUG:
        raise ImproperlyConfigured("DATABASE_URL and REDIS_URL must be set when DEBUG is off")

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
    "agencies",
    "foreigners",
    "reports",
    "devdata",
]

MIDDLEWARE = [
    # First: answers /healthz before SecurityMiddleware (no HTTPS redirect) and before anything
    # reads the Host header, so container probes on http://localhost:8000 work whatever
    # ALLOWED_HOSTS says. It reveals only reachability.
    "timpora.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "timpora.i18n.LanguageCookieMiddleware",  # Indonesian unless switched (not Accept-Language)
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
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
            ],
        },
    },
]

# --- Database: always PostgreSQL (https://django-environ.readthedocs.io/en/latest/types.html#environ-env-db-url)
DATABASES = {"default": env.db_url("DATABASE_URL", default=EMBEDDED_DATABASE_URL)}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"].setdefault("OPTIONS", {})
# PostgreSQL's JIT compiles any query whose estimated cost passes jit_above_cost: on the scoped
# list pages (1M people, a few thousand rows per kecamatan) compiling took ~170 ms for a query
# that runs in ~40 ms (docs/PERFORMANCE.md, access policy). Off for this OLTP workload;
# DB_JIT=on turns it back on.
if env("DB_JIT", default="off") != "on":
    DATABASES["default"]["OPTIONS"].setdefault("options", "-c jit=off")
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
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
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
SILENCED_SYSTEM_CHECKS = ["guardian.W001"]
# django-guardian: no anonymous user row; anonymous visitors never see records.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
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
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        ),
    },
}
MEDIA_ROOT = STORAGES["default"]["OPTIONS"]["location"]
# Development serves static files from the app directories as they change (and needs no
# collectstatic); production serves the collected, hashed files indexed once at start-up.
WHITENOISE_AUTOREFRESH = DEBUG
WHITENOISE_USE_FINDERS = DEBUG
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

# --- Dashboard map (Leaflet, vendored). No tile server by default: pages load nothing from
# outside the server, and the map still shows kecamatan markers and sighting points on a blank
# background. Set MAP_TILE_URL (e.g. an internal tile server, "https://tiles.example/{z}/{x}/{y}.png")
# to draw a base map.
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
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_SECURE = not DEBUG
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
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

# --- Django REST framework
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
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
# The outbox sweep (reports.outbox) runs sighting rules the broker never delivered: every
# minute, for rows older than the grace period (younger ones are normally in flight). The fault
# tests shorten both to watch a sweep happen.
SIGHTING_OUTBOX_SWEEP_SECONDS = env.float("SIGHTING_OUTBOX_SWEEP_SECONDS", default=60.0)
SIGHTING_OUTBOX_GRACE_SECONDS = env.int("SIGHTING_OUTBOX_GRACE_SECONDS", default=30)
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
    "sighting-outbox-sweep": {
        "task": "reports.sighting_outbox_sweep",
        "schedule": SIGHTING_OUTBOX_SWEEP_SECONDS,
        "options": {"expires": SIGHTING_OUTBOX_SWEEP_SECONDS * 0.9},
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
