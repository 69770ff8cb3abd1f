"""Settings, read from environment variables with safe local defaults.

Every variable goes through a small typed helper that fails loudly on a bad value,
so a typo in production configuration stops the start instead of being ignored.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of 1/0/true/false, not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        return int(raw.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", True)
SECRET_KEY = env_str("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off")
    SECRET_KEY = "local-development-only-not-secret"  # noqa: S105 - local default, refused in production
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])

INSTALLED_APPS = [
    # The project itself: its deployment checks (diemen_sociaal/checks.py).
    "diemen_sociaal",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # runserver leaves static files to WhiteNoise, so development serves them as production does.
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tables2",
    "django_filters",
    "simple_history",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "django_tasks_db",
    "django_ratelimit",
    # The second factor for staff (TOTP, recovery codes): accounts/.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "accounts",
    "programs",
    "indicators",
    "investments",
    "policy",
    # Across the content apps: a new year, a budget from its annual report (cycle), and
    # what every side reads (readmodel: page contexts, data rows, URL parts, demo data).
    "cycle",
    "readmodel",
    # The sides built on the apps above.
    "publishing",
    "opendata",
    "staff",
    "public",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Says once per process when a proxy header arrives that DJANGO_TRUSTED_PROXY_COUNT=0 ignores.
    "diemen_sociaal.ops.ProxyCountMiddleware",
    # Static files (compressed, hashed names cached for a year) leave before anything else runs.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Operations (diemen_sociaal/ops.py): a too large request is refused before anything reads
    # it; a database that cannot be reached gives the Dutch 503 page, never a stack trace;
    # staff pages are never stored by a proxy.
    "diemen_sociaal.ops.RequestSizeLimitMiddleware",
    "diemen_sociaal.ops.DatabaseUnavailableMiddleware",
    "diemen_sociaal.ops.CacheControlMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): signed in with a second factor (django-otp).
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Ends sessions without the second factor that the user's role requires.
    "accounts.middleware.SecondFactorMiddleware",
    # Attributes every recorded change to the person who made it.
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Pages of adopted reports never change: an ETag, and 304 when the reader has them.
    "diemen_sociaal.ops.ReportConditionalGetMiddleware",
    # A request over a rate limit (django-ratelimit) gets the Dutch 429 page.
    "django_ratelimit.middleware.RatelimitMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the Dutch lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "diemen_sociaal.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                # The CSP nonce ({{ csp_nonce }}, {% csp_nonce_attr %}) the admin puts on its tags.
                "django.template.context_processors.csp",
                # {{ municipality }}: the name of the municipality this installation serves.
                "diemen_sociaal.ops.municipality",
            ],
            "builtins": ["programs.templatetags.report_tags"],
        },
    },
]

WSGI_APPLICATION = "diemen_sociaal.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=60,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent use of the embedded database: WAL lets readers work while one writer
    # writes; IMMEDIATE takes the write lock at the start of a transaction, so two
    # simultaneous saves queue behind the busy timeout instead of failing halfway
    # with "database is locked".
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        # Seconds a write waits for another's lock before "database is locked".
        "timeout": env_int("SQLITE_BUSY_TIMEOUT", 20),
        "init_command": (
            "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA foreign_keys=ON;"
        ),
    }
    # Tests use a file, not shared-cache memory, so they exercise the same locking
    # (WAL, busy timeout) as the real database; memory databases lock per table
    # and fail at once instead of waiting. One file per process: two test runs in
    # one checkout must not share it.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / f".test-db-{os.getpid()}.sqlite3")}

AUTHENTICATION_BACKENDS = [
    # First, so a locked-out login is refused before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/beheer/"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "nl"
LOCALE_PATHS = [BASE_DIR / "locale"]  # Dutch for what Django's own catalogue lacks
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("DJANGO_STATIC_ROOT", str(BASE_DIR / "staticfiles")))
# The NL Design System CSS comes from npm (package.json), installed by `make`.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("nlds", BASE_DIR / "node_modules" / "@utrecht" / "component-library-css" / "dist"),
    ("nlds-tokens", BASE_DIR / "node_modules" / "@utrecht" / "design-tokens" / "dist"),
]

STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    # Hashed names from collectstatic, for the PDF renderer (see diemen_sociaal.ops).
    "diemen_sociaal.ops.CollectedStaticFinder",
]

MUNICIPALITY_NAME = env_str("MUNICIPALITY_NAME", "Gemeente Diemen")
# The municipality's house style: its colour (#rrggbb; the header, buttons and links, with
# white text on it, so `manage.py check` asks for 4.5:1 contrast) and its logo (a path under
# the static files, shown before the name). Empty: the product's own blue, no logo.
MUNICIPALITY_COLOUR = env_str("MUNICIPALITY_COLOUR", "")
MUNICIPALITY_LOGO = env_str("MUNICIPALITY_LOGO", "")

# The second factor (accounts/policy.py): a code from an authenticator app (TOTP) or a
# recovery code. Whoever set one up uses it; the roles that publish and administer must
# have one whenever debug is off (the local demo's accounts sign in with a password only).
# Which roles those are is decided in programs/rules.py (needs_second_factor).
SECOND_FACTOR_REQUIRED = env_bool("DJANGO_SECOND_FACTOR_REQUIRED", not DEBUG)
# After the password, the second step must follow within this many seconds.
SECOND_FACTOR_PENDING_SECONDS = 300
# The name the authenticator app shows beside the codes.
OTP_TOTP_ISSUER = f"{MUNICIPALITY_NAME} sociaal domein"

DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5.html"

# The PDFs of adopted reports, made once and served unchanged ever after (publishing/pdf.py).
PUBLICATION_ROOT = Path(env_str("PUBLICATION_ROOT", str(BASE_DIR / "var" / "publications")))

# Background work (Django's tasks framework): the whole report as PDF. Tasks are stored in the
# database and run by `manage.py db_worker` (started by `make run` and `make serve`).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# PDFs made by background jobs for reports that are not adopted (drafts, offered reports).
PDF_JOB_ROOT = Path(env_str("PDF_JOB_ROOT", str(BASE_DIR / "var" / "pdf-jobs")))
# A running job that has not shown progress for this long was interrupted (its worker died).
PDF_JOB_STALE_SECONDS = env_int("PDF_JOB_STALE_SECONDS", 120)
# An interrupted job is queued again by the next worker, up to this many attempts in all.
PDF_JOB_MAX_ATTEMPTS = env_int("PDF_JOB_MAX_ATTEMPTS", 3)
# A worker waits this long (seconds) for a locked database before it gives a job up.
PDF_JOB_LOCK_WAIT_SECONDS = env_int("PDF_JOB_LOCK_WAIT_SECONDS", 10 * 60)
# Processes that lay out the chapters of a whole report in parallel (0: one per core).
# They live as long as the worker that owns them (publishing/pdf_worker.py).
PDF_PROCESSES = env_int("PDF_PROCESSES", 0)

# Mail (password reset), with Django 6.1's MAILERS. Local development prints mails on the
# console; production sends them through the municipality's SMTP relay.
if env_str("DJANGO_EMAIL_HOST", "") or not DEBUG:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": env_str("DJANGO_EMAIL_HOST", "localhost"),
                "port": env_int("DJANGO_EMAIL_PORT", 587),
                "username": env_str("DJANGO_EMAIL_USER", ""),
                "password": env_str("DJANGO_EMAIL_PASSWORD", ""),
                "use_tls": env_bool("DJANGO_EMAIL_TLS", True),
                "timeout": 10,
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
DEFAULT_FROM_EMAIL = env_str("DJANGO_EMAIL_FROM", "sociaal-domein@localhost")
# Where staff open the links in a mail (the digest is sent without a request to ask).
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

# /health/ turns 503 when a background task has waited this long for a worker.
HEALTH_QUEUE_MAX_SECONDS = env_int("HEALTH_QUEUE_MAX_SECONDS", 5 * 60)

# Database backups (manage.py backup_data / restore_data, `make backup`, `make restore`).
BACKUP_ROOT = Path(env_str("BACKUP_ROOT", str(BASE_DIR / "var" / "backups")))


# --- Production: security -------------------------------------------------------------------
# Every default below is safe for production as soon as DJANGO_DEBUG=0; `manage.py check
# --deploy` then reports nothing (tests/test_security.py runs it). The DJANGO_* variables
# exist for a local trial of the production set-up over plain HTTP, not for production.

# A trial of the production set-up over plain HTTP must say so: without this, production
# refuses to start with any of the HTTPS settings below switched off (diemen_sociaal/checks.py).
ALLOW_PLAIN_HTTP = env_bool("DJANGO_ALLOW_PLAIN_HTTP", False)

# HTTPS only. The TLS-terminating proxy in front of gunicorn sends X-Forwarded-Proto; gunicorn
# trusts it from 127.0.0.1 (--forwarded-allow-ips), so Django sees the request as secure.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
# The health check answers a load balancer over plain HTTP too.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
if env_bool("DJANGO_SECURE_PROXY_SSL_HEADER", False):
    # Only when Django runs behind another server than gunicorn and that proxy always sets
    # (and never passes on) X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 0 if DEBUG else 365 * 24 * 60 * 60)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
# Nothing in the pages reads the CSRF cookie from JavaScript; forms carry the token.
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# A staff session lasts one working day and ends when the browser closes.
SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Content-Security-Policy (Django's own middleware). Only our own scripts, styles, images and
# fonts; no inline script or style except with the per-request nonce, which the Django admin
# puts on its few inline tags through the csp context processor. The public pages have no
# inline script or style at all (tests/test_security.py checks), the trend charts are inline
# SVG without style attributes, and the NL Design System CSS uses data: images for checkboxes.
SECURE_CSP = {
    "default-src": [CSP.NONE],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "manifest-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    # Older hashes keep working and are upgraded to Argon2 at the next login.
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

# Login throttling (django-axes): five failures for one user name from one address lock that
# combination for a quarter of an hour. Never by address alone: colleagues behind one
# municipal NAT address must not lock each other out.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "diemen_sociaal.ops.lockout_response"
# The client's address: REMOTE_ADDR, or behind N trusted proxies the address the outermost
# of them saw (see diemen_sociaal.ops.client_ip). Set to 1 behind one reverse proxy.
TRUSTED_PROXY_COUNT = env_int("DJANGO_TRUSTED_PROXY_COUNT", 0)
# Production must say how many proxies stand in front (0 included): a forgotten 1 behind the
# documented proxy would make every visitor one address (diemen_sociaal/checks.py).
TRUSTED_PROXY_COUNT_SET = "DJANGO_TRUSTED_PROXY_COUNT" in os.environ
AXES_CLIENT_IP_CALLABLE = "diemen_sociaal.ops.client_ip"

# Rate limits on what costs the server most: PDFs, search and the open-data downloads
# (django-ratelimit, on the views; diemen_sociaal.ops.rate). Counted per signed-in user, and
# per client address for anonymous readers, generously: a council in debate shares one
# address. Staff limits are lower, since a draft's PDF is laid out anew for each request.
# The counts live in Django's cache, which is per process (LocMemCache) for now: with N
# gunicorn workers a client can reach N times a limit before every worker refuses.
RATE_LIMITS = {
    "pdf": {"anonymous": env_str("DJANGO_RATE_PDF", "120/m"), "staff": "20/m"},
    "search": {"anonymous": env_str("DJANGO_RATE_SEARCH", "300/m"), "staff": "120/m"},
    "download": {"anonymous": env_str("DJANGO_RATE_DOWNLOAD", "300/m"), "staff": "120/m"},
}
RATELIMIT_VIEW = "diemen_sociaal.ops.too_many_requests"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# django-ratelimit refuses a cache that is not shared between processes; the per-process
# count is the known limit stated above, not an oversight.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001"]

# Pages that must never be stored by a proxy or the browser's cache (Cache-Control:
# private, no-store): everything staff see.
STAFF_PATH_PREFIXES = ("/admin/", "/beheer/", "/accounts/")

# Request sizes. Form data (never files) up to 1 MiB: the longest text staff type is a few
# pages. The indicator form has 6 fields per part (whole plus at most a handful of
# components: 5 in seed 002) and 3 more; the admin's inline forms are the largest.
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 500
# Uploaded files larger than this go to a temporary file instead of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# A whole request (uploads included) larger than this is refused with 413.
MAX_REQUEST_BODY_SIZE = env_int("DJANGO_MAX_UPLOAD_MB", 10) * 1024 * 1024


# --- Production: serving --------------------------------------------------------------------
# Static files through WhiteNoise. Hashed, compressed copies (WhiteNoise's
# CompressedManifestStaticFilesStorage, see diemen_sociaal.ops; made by collectstatic, which
# `make serve` runs) only with DEBUG off: decided here, at start-up, so tests that switch
# DEBUG off with override_settings still use the plain storage and need no collectstatic.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "diemen_sociaal.ops.StaticFilesStorage"
    },
}
# Like STORAGES, fixed at start-up (tests switch DEBUG off after it): local development
# serves straight from the finders and sees changed files without collectstatic.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

# Everything to standard error, where gunicorn and the service manager collect it; with
# DEBUG off Django would otherwise log a failing request nowhere.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["stderr"], "level": env_str("DJANGO_LOG_LEVEL", "WARNING")},
    "loggers": {
        "django": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
        # Lockouts are warnings; INFO adds every failed and successful login.
        # Page-by-page progress of a PDF job (publishing/jobs.py listens; nothing is printed).
        "weasyprint.progress": {"handlers": [], "level": "INFO", "propagate": False},
        "axes": {
            "handlers": ["stderr"],
            "level": env_str("AXES_LOG_LEVEL", "WARNING"),
            "propagate": False,
        },
    },
}

# The most characters one long text (a realisation, an explanation) may hold; see
# diemen_sociaal/validators.py. Larger texts are refused with a message, not cut.
LONG_TEXT_MAX_CHARS = env_int("LONG_TEXT_MAX_CHARS", 20_000)
