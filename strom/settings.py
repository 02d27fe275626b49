"""STROM settings: one file, read from the environment. Every variable is listed in the README."""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF

from strom.core import site_url
from strom.core.env import env, env_bool, env_float, env_int, env_list, env_secret
from strom.core.languages import offered_languages

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env("STROM_VAR_DIR", str(BASE_DIR / "var"))).resolve()

# "development" (the demo from `make run`), "production" or "test".
STROM_ENV = env("STROM_ENV", "development")
PRODUCTION = STROM_ENV == "production"
DEBUG = env_bool("STROM_DEBUG", False)


def _dev_secret(name: str) -> str:
    """Outside production a missing secret is made once and kept under var/, so restarts keep sessions."""
    path = VAR_DIR / name
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(50)
    path.write_text(value, encoding="utf-8")
    path.chmod(0o600)
    return value


SECRET_KEY = env_secret("STROM_SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise RuntimeError("STROM_SECRET_KEY (or STROM_SECRET_KEY_FILE) must be set in production")
    SECRET_KEY = _dev_secret("secret_key")

ALLOWED_HOSTS = env_list("STROM_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("STROM_CSRF_TRUSTED_ORIGINS")
# Links in e-mails: STROM_SITE_URL, else the address `strom run` serves (strom/core/site_url.py).
# Tests ignore an address a development server left in var/.
SITE_URL = site_url.resolve(env("STROM_SITE_URL"), VAR_DIR, use_remembered=STROM_ENV != "test")

INSTALLED_APPS = [
    # First, so its management commands replace Django's unaudited createsuperuser/changepassword.
    "strom.core",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "django_htmx",
    # Records users write in several languages keep one row per language (docs/decisions/0004).
    "parler",
    "strom.crypto",
    "strom.directory",
    "strom.accounts",
    "strom.audit",
    "strom.api",
    "strom.auditlog",
    "strom.cases",
    "strom.stages",
    "strom.screening",
    "strom.support",
    "strom.consent",
    "strom.casefile",
    "strom.network",
    "strom.pathways",
    "strom.referrals",
    "strom.stats",
    "strom.events",
    "strom.practices",
    "strom.guidelines",
    "strom.actionplans",
    "strom.assessments",
    "strom.hotline",
    "strom.linkage",
    "strom.transnational",
    "strom.hub",
    "strom.ops",
    # Synthetic and demo data: above every domain app, which it fills through their services.
    "strom.demo",
    # Composition: the root URLconf, the API root, error pages and the dashboard. Knows every app.
    "strom.site",
]

MIDDLEWARE = [
    # First, so a request's time includes every other middleware (strom/ops/metrics_middleware.py).
    "strom.ops.metrics_middleware.RequestMetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "strom.core.middleware.RequestContextMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "strom.site.middleware.RejectNulMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "strom.accounts.middleware.CachedOTPMiddleware",
    "strom.accounts.middleware.SessionTimeoutMiddleware",
    "strom.accounts.middleware.TwoFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "strom.core.errors.NotAllowedMiddleware",
    # Axes must come last so it sees the outcome of the login view.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "strom.site.urls"
WSGI_APPLICATION = "strom.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "strom.core.context_processors.shell",
            ],
        },
    },
]

# --- Database: PostgreSQL only. Without DATABASE_URL an embedded server under var/ is used. ---
DATABASE_URL = env("DATABASE_URL")
if not DATABASE_URL:
    from strom.core import embedded_db

    DATABASE_URL = embedded_db.database_url(VAR_DIR)
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("STROM_DB_CONN_MAX_AGE", 60))
}
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise RuntimeError("STROM runs on PostgreSQL only: DATABASE_URL must start with postgresql://")
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Parameters bound on the server, and each query PostgreSQL has planned twice on a connection is kept
# as a prepared statement: a page's queries are the same few shapes every time, and planning the
# case page's joins took longer than running them (docs/performance.md). A connection pooler that
# cannot keep prepared statements (PgBouncer in transaction mode before 1.21) needs
# STROM_DB_PREPARED_STATEMENTS=0.
_db_options = DATABASES["default"].setdefault("OPTIONS", {})
if env_bool("STROM_DB_PREPARED_STATEMENTS", True):
    _db_options.update(server_side_binding=True, prepare_threshold=2)
# The hub search takes the first matches PostgreSQL meets (strom/hub/search.py); a sequential scan that
# joined another one already under way would start mid-table and answer the same search differently.
_db_options["options"] = f"{_db_options.get('options', '')} -c synchronize_seqscans=off".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis when STROM_REDIS_URL names one (the signed-in user of each request, sessions, rate limits: one
# round trip instead of several queries); otherwise PostgreSQL's cache table, so nothing else is needed.
STROM_REDIS_URL = env("STROM_REDIS_URL", "")
CACHES: dict[str, dict[str, object]]
if STROM_REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": STROM_REDIS_URL,
            "KEY_PREFIX": env("STROM_REDIS_PREFIX", "strom"),
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "strom_cache",
            # Beyond Django's default of 300 entries it deletes a third of them: rate-limit counters (a
            # flood of the hotline's public form from many addresses) would vanish and reset themselves.
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    }

# --- Authentication ---
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's, with the signed-in user of each request read from the cache (strom.accounts.auth_cache).
    "strom.accounts.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env_int("STROM_PASSWORD_MIN_LENGTH", 12)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:dashboard"
LOGOUT_REDIRECT_URL = "accounts:login"
PASSWORD_RESET_TIMEOUT = env_int("STROM_PASSWORD_RESET_TIMEOUT_SECONDS", 3600)
STROM_INVITATION_DAYS = env_int("STROM_INVITATION_DAYS", 7)

# Lockout after repeated failures (django-axes); unlocked after the cool-off or by an admin.
AXES_FAILURE_LIMIT = env_int("STROM_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("STROM_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username"]
# Reset only once the whole login (second factor included) succeeded: strom.accounts.services.login_succeeded.
AXES_RESET_ON_SUCCESS = False
AXES_LOCKOUT_CALLABLE = "strom.accounts.views.locked_out"
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_SENSITIVE_PARAMETERS = ["password", "otp_token", "token"]
# axes.W006 asks to lock out by IP address too. We lock out accounts, not addresses: a municipal
# office or police station puts hundreds of staff behind one NAT address, and five typos there would
# lock everyone out. Password spraying is met by Argon2, the password rules and mandatory TOTP.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
# Instead, failed logins per IP address get a high limit of their own (strom.accounts.session).
STROM_LOGIN_IP_FAILURE_LIMIT = env_int("STROM_LOGIN_IP_FAILURE_LIMIT", 30)

OTP_TOTP_ISSUER = env("STROM_TOTP_ISSUER", "STROM")
OTP_TOTP_THROTTLE_FACTOR = 1

# Sessions: server-side, idle timeout and absolute timeout (enforced in SessionTimeoutMiddleware).
# Kept in PostgreSQL; with Redis, read from it and written through to PostgreSQL.
SESSION_ENGINE = "django.contrib.sessions.backends." + ("cached_db" if STROM_REDIS_URL else "db")
STROM_IDLE_TIMEOUT = timedelta(minutes=env_int("STROM_IDLE_TIMEOUT_MINUTES", 30))
STROM_ABSOLUTE_TIMEOUT = timedelta(hours=env_int("STROM_ABSOLUTE_TIMEOUT_HOURS", 12))
SESSION_COOKIE_AGE = int(STROM_ABSOLUTE_TIMEOUT.total_seconds())
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_NAME = "strom_session"
CSRF_COOKIE_NAME = "strom_csrf"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "strom.site.views.csrf_failure"

# --- Security headers ---
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_SSL_REDIRECT = PRODUCTION and env_bool("STROM_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env_int("STROM_HSTS_SECONDS", 31536000) if PRODUCTION else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_HSTS_PRELOAD = PRODUCTION
# Behind a proxy (deploy/nginx/strom.conf) the scheme and the client's address come from its headers.
STROM_BEHIND_PROXY = env_bool("STROM_BEHIND_PROXY", False)
if STROM_BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# healthz is probed over plain HTTP by load balancers inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Strict CSP: nothing inline, nothing from another origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    },
}

# --- Internationalisation ---
LANGUAGE_CODE = "en"
# English dates day-first with a 24-hour clock (strom/formats/en/formats.py).
FORMAT_MODULE_PATH = ["strom.formats"]
LOCALE_PATHS = [BASE_DIR / "strom" / "locale"]
# The region's thirteen languages (strom/core/languages.py), each offered once its catalogue is in
# strom/locale: a complete catalogue switches a language on (docs/translating.md).
LANGUAGES = offered_languages(LOCALE_PATHS[0])
# Content in several languages (django-parler): a record may hold any of the region's languages; the
# offered ones are parler's, each falling back to English (and then to the record's own language, which
# pages name with a note).
PARLER_DEFAULT_LANGUAGE_CODE = "en"
PARLER_LANGUAGES = {
    None: tuple({"code": code} for code, _name in LANGUAGES),
    "default": {"fallbacks": ["en"], "hide_untranslated": False},
}
USE_I18N = True
USE_TZ = True
TIME_ZONE = env("STROM_TIME_ZONE", "Europe/Riga")
LANGUAGE_COOKIE_NAME = "strom_language"
LANGUAGE_COOKIE_SECURE = PRODUCTION
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

# --- Static files: served by WhiteNoise from the app, never from a CDN. ---
STATIC_URL = "/static/"
# Outside production WhiteNoise serves straight from the apps' static folders (finders), so there is no
# collected directory to point at. `strom collectstatic` fills it for production.
STATIC_ROOT = VAR_DIR / "static" if PRODUCTION else None
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": VAR_DIR / "media"},
    },
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION

# --- Uploads (case documents, docs/casefile.md): kept in memory, never spooled to disk in plaintext. ---
STROM_UPLOAD_MAX_BYTES = env_int("STROM_UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
FILE_UPLOAD_HANDLERS = ["strom.casefile.uploads.BoundedMemoryUploadHandler"]

# --- Statistics (docs/statistics.md): disclosure control is always on. ---
# Counts below this are withheld from every published table (CTDC publishes with k = 11).
STROM_STATS_THRESHOLD = max(2, env_int("STROM_STATS_THRESHOLD", 11))
# STROM's own cases are turned into statistics facts at most this many minutes before a table.
STROM_STATS_REFRESH_MINUTES = env_int("STROM_STATS_REFRESH_MINUTES", 15)
# The cell key method on every count of STROM's own cases (docs/statistics.md): noise of at most
# STROM_STATS_NOISE_MAX people (0: exact tables), variance STROM_STATS_NOISE_VARIANCE, and no perturbed
# count from 1 to STROM_STATS_NOISE_SMALL. The record key secret makes each case's key; changing it
# changes every table's noise, so it is kept like the field keys.
STROM_STATS_NOISE_MAX = env_int("STROM_STATS_NOISE_MAX", 3)
STROM_STATS_NOISE_VARIANCE = env_float("STROM_STATS_NOISE_VARIANCE", 2.0)
STROM_STATS_NOISE_SMALL = env_int("STROM_STATS_NOISE_SMALL", 0)
# The knowledge hub: whether published practices, guidelines and event programmes may be read without
# logging in. Off by default: an instance opens its hub to the public on purpose.
STROM_HUB_PUBLIC = env_bool("STROM_HUB_PUBLIC", False)
# The hotline's public front door (docs/hotline.md): know-your-rights pages, a self-check and an
# anonymous tip or "contact me" form, without logging in. Off by default: an instance opens it on purpose.
STROM_HOTLINE_PUBLIC = env_bool("STROM_HOTLINE_PUBLIC", False)
# Where "Leave this site quickly" leads: a neutral site the hotline chooses.
STROM_HOTLINE_LEAVE_URL = env("STROM_HOTLINE_LEAVE_URL", "https://www.wikipedia.org/")
# Public form submissions accepted per hour from one address (counted by a salted hash, never stored),
# and from all addresses together, so a flood cannot bury the operators' queue.
STROM_HOTLINE_PUBLIC_LIMIT = env_int("STROM_HOTLINE_PUBLIC_LIMIT", 5)
STROM_HOTLINE_PUBLIC_GLOBAL_LIMIT = env_int("STROM_HOTLINE_PUBLIC_GLOBAL_LIMIT", 600)
STROM_STATS_RECORD_KEY = env_secret("STROM_STATS_RECORD_KEY")
if not STROM_STATS_RECORD_KEY:
    if PRODUCTION:
        raise RuntimeError("STROM_STATS_RECORD_KEY (or its _FILE variant) must be set in production")
    STROM_STATS_RECORD_KEY = _dev_secret("stats_record_key")
# Total epsilon that differentially private synthetic extracts may spend on one dataset, over all releases.
STROM_STATS_DP_BUDGET = env_float("STROM_STATS_DP_BUDGET", 5.0)
# Who a table exported for another STROM instance comes from (e.g. "Latvia, national rapporteur").
STROM_INSTANCE_NAME = env("STROM_INSTANCE_NAME", "STROM")

# --- E-mail: console by default, SMTP when STROM_EMAIL_HOST is set. Mails never carry personal data. ---
EMAIL_HOST = env("STROM_EMAIL_HOST")
# Sent through a backend that counts failures for /metrics and hands each mail to the delivering one.
EMAIL_BACKEND = "strom.ops.metrics_mail.CountingEmailBackend"
if EMAIL_HOST:
    STROM_EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("STROM_EMAIL_PORT", 587)
    EMAIL_HOST_USER = env("STROM_EMAIL_USER")
    EMAIL_HOST_PASSWORD = env_secret("STROM_EMAIL_PASSWORD")
    EMAIL_USE_TLS = env_bool("STROM_EMAIL_USE_TLS", True)
else:
    STROM_EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env("STROM_EMAIL_FROM", "STROM <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
ADMINS: list[tuple[str, str]] = []

# --- Field encryption keys (see docs/security.md). Outside production a key file under var/ is made. ---
# STROM_FIELD_KEYS holds the key document itself (cannot be rotated in place); STROM_FIELD_KEYS_FILE
# names a file that holds it, which `strom keys rotate` rewrites and running processes re-read.
STROM_FIELD_KEYS = env("STROM_FIELD_KEYS")
STROM_FIELD_KEYS_FILE_PATH = env("STROM_FIELD_KEYS_FILE") or env(
    "STROM_KEYS_FILE", str(VAR_DIR / "keys.json")
)

# --- Transnational referral (docs/transnational.md): this instance's signing and encryption keys. ---
# STROM_INSTANCE_KEYS holds the key document itself; STROM_INSTANCE_KEYS_FILE a file holding it, which
# `strom transnational rotate-keys` rewrites (outside production var/instance-keys.json is made).
STROM_INSTANCE_KEYS = env("STROM_INSTANCE_KEYS")
STROM_INSTANCE_KEYS_FILE_PATH = env("STROM_INSTANCE_KEYS_FILE") or str(VAR_DIR / "instance-keys.json")
# Plain HTTP to a partner on a loopback address, for development and tests only: refused in production.
STROM_TRANSNATIONAL_ALLOW_LOOPBACK_HTTP = env_bool("STROM_TRANSNATIONAL_ALLOW_LOOPBACK_HTTP", False)
if PRODUCTION and STROM_TRANSNATIONAL_ALLOW_LOOPBACK_HTTP:
    raise RuntimeError("STROM_TRANSNATIONAL_ALLOW_LOOPBACK_HTTP must not be set in production")
# A message signed longer ago than this (or this far in the future) is refused as stale.
STROM_TRANSNATIONAL_MAX_AGE_SECONDS = max(30, env_int("STROM_TRANSNATIONAL_MAX_AGE_SECONDS", 300))
# An incoming referral declined or withdrawn loses what the partner sent this many days after it ended.
STROM_TRANSNATIONAL_CLOSED_RETENTION_DAYS = max(1, env_int("STROM_TRANSNATIONAL_CLOSED_RETENTION_DAYS", 90))

# --- Record linkage (docs/linkage.md). ---
# Duplicate pairs kept for review and listed by `strom person duplicates` have at least this match
# probability: 0.8 is where precision was at least 0.99 at a million records (docs/performance.md).
STROM_LINKAGE_MIN_PROBABILITY = env_float("STROM_LINKAGE_MIN_PROBABILITY", 0.8)
if not 0 <= STROM_LINKAGE_MIN_PROBABILITY <= 1:
    raise ValueError("STROM_LINKAGE_MIN_PROBABILITY must be between 0 and 1")

# --- Audit checkpoints (docs/security-audit-and-encryption.md): the chain anchored outside the database. ---
# Signed with an Ed25519 key the database never holds: STROM_AUDIT_SIGNING_KEY is the key itself,
# STROM_AUDIT_SIGNING_KEY_FILE a file holding it (outside production var/audit-signing.key is made).
STROM_AUDIT_SIGNING_KEY = env("STROM_AUDIT_SIGNING_KEY")
STROM_AUDIT_SIGNING_KEY_FILE_PATH = env("STROM_AUDIT_SIGNING_KEY_FILE") or str(VAR_DIR / "audit-signing.key")
STROM_AUDIT_CHECKPOINT_DIR = env("STROM_AUDIT_CHECKPOINT_DIR") or str(VAR_DIR / "audit-checkpoints")
# `strom worker` checkpoints the chain this often, when it has advanced; 0 means every round.
STROM_AUDIT_CHECKPOINT_MINUTES = max(0, env_int("STROM_AUDIT_CHECKPOINT_MINUTES", 5))

# --- Backups (docs/operations.md): encrypted to the operator's public key, never to the field keys. ---
# The private key stays with the operator; outside production var/backup-key.pem and its public half
# var/backup-key.pub.pem are made on first use, so `strom backup` and `strom restore` work on the demo.
STROM_BACKUP_KEY_FILE = env("STROM_BACKUP_KEY_FILE") or str(VAR_DIR / "backup-key.pub.pem")

# --- Logging: to stderr, never request bodies or personal data; STROM_LOG_FORMAT=json for a collector. ---
STROM_LOG_FORMAT = env("STROM_LOG_FORMAT", "plain")
if STROM_LOG_FORMAT not in {"plain", "json"}:
    raise ValueError(f"STROM_LOG_FORMAT must be plain or json, got {STROM_LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "strom.core.logging.RedactFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "strom.core.logging.JsonFormatter"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": STROM_LOG_FORMAT, "filters": ["redact"]},
    },
    "root": {"handlers": ["console"], "level": env("STROM_LOG_LEVEL", "INFO")},
    "loggers": {
        # The default django.request handler would mail admins the full request; we log the path only.
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "django.security": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        "axes": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}

# --- Operations (docs/operations.md): who may read /metrics, and the worker's audit verification. ---
# A bearer token and/or the scraper's networks (CIDR); with neither, /metrics answers 404.
STROM_METRICS_TOKEN = env_secret("STROM_METRICS_TOKEN")
STROM_METRICS_ALLOWED_NETWORKS = env_list("STROM_METRICS_ALLOWED_NETWORKS")
# `strom worker` verifies the audit chain and its checkpoints this often; 0: never.
STROM_AUDIT_VERIFY_HOURS = max(0, env_int("STROM_AUDIT_VERIFY_HOURS", 24))

# Hub search pages are kept this long in the cache, and dropped at once when the index changes; 0: never.
STROM_HUB_SEARCH_CACHE_SECONDS = env_int("STROM_HUB_SEARCH_CACHE_SECONDS", 300)

# --- API ---
STROM_API_TOKEN_MAX_DAYS = env_int("STROM_API_TOKEN_MAX_DAYS", 365)
# Requests per user and window through the API ("<count>/<second|minute|hour|day>").
STROM_API_RATE_LIMIT = env("STROM_API_RATE_LIMIT", "300/minute")
NINJA_PAGINATION_PER_PAGE = 50

if STROM_ENV == "test":
    # Fast hashing in tests only (STYLE.md); production always uses Argon2.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
