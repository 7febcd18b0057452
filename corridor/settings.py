"""Corridor settings: one module, driven by the environment.

Defaults run a development copy on SQLite from a fresh clone (``make run``). A production
start sets ``CORRIDOR_ENV=production``; it then refuses to start without a real secret key
and a PostgreSQL ``DATABASE_URL``, and the system checks in ``corridor/checks.py`` stop it
when anything else is unsafe. Secrets may be given as ``NAME`` or as ``NAME_FILE`` (a path
whose contents are the secret), as container and systemd credentials prefer.
"""

import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: str) -> bool:
    return os.getenv(name, default).strip().lower() in ("1", "true", "yes", "on")


def envint(name: str, default: str) -> int:
    return int(os.getenv(name, default))


def envsecret(name: str) -> str | None:
    """Read a secret from NAME or from the file named by NAME_FILE."""
    value = os.getenv(name)
    path = os.getenv(name + "_FILE")
    if value and path:
        raise ImproperlyConfigured(f"Set {name} or {name}_FILE, not both.")
    if path:
        return Path(path).read_text(encoding="utf-8").strip()
    return value or None


def database_from_url(url: str) -> dict:
    """Turn ``postgres://user:pass@host:port/name`` or ``sqlite:///path`` into DATABASES."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        path = unquote(parts.path)
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": path[1:] if path.startswith("//") else path,
        }
    if parts.scheme in ("postgres", "postgresql"):
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parts.path.lstrip("/")),
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            "CONN_MAX_AGE": envint("CORRIDOR_CONN_MAX_AGE", "60"),
            "CONN_HEALTH_CHECKS": True,
        }
    raise ImproperlyConfigured("DATABASE_URL must start with postgres:// or sqlite://")


ENVIRONMENT = os.getenv("CORRIDOR_ENV", "development")
if ENVIRONMENT not in ("development", "production"):
    raise ImproperlyConfigured("CORRIDOR_ENV must be 'development' or 'production'.")
PRODUCTION = ENVIRONMENT == "production"

DEBUG = envbool("DEBUG", "false" if PRODUCTION else "true")

_DEV_SECRET_KEY = "corridor-development-only-not-secret-" + "x" * 40
SECRET_KEY = envsecret("SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("Production needs SECRET_KEY or SECRET_KEY_FILE.")
    SECRET_KEY = _DEV_SECRET_KEY


def host_names(value: str) -> list[str]:
    """Comma-separated host names, as Django compares them: lower case, no trailing dot."""
    return [h for h in (h.strip().lower().removesuffix(".") for h in value.split(",")) if h]


def shared_hosts(portal: list[str], staff: list[str]) -> list[str]:
    """Portal host names that a staff entry also matches (exactly, ``*`` or ``.domain``)."""
    from django.utils.http import is_same_domain

    return [p for p in portal if any(s == "*" or is_same_domain(p, s) for s in staff)]


# Two lists of host names. ALLOWED_HOSTS names the staff console's hosts only; the applicant
# portal's (its web name and onion address) go in CORRIDOR_PORTAL_HOSTS, where a request sees
# the portal's URLs and nothing else (corridor.middleware.language). Django answers for both.
# A name in both lists (or a staff wildcard that covers a portal name) would put the staff
# login beside the portal, where a hostile service could point applicants' or staff's
# browsers: production refuses to start then.
CORRIDOR_STAFF_HOSTS = host_names(
    os.getenv("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
)
# Obviously sample channels for a development demo (`make run`), so that the portal's
# "genuine channels" page and the drop notes show something. None of them can reach anyone: no
# Ukrainian number starts +380 00, a Telegram name has at most 32 characters and a v3 onion
# address ends in "d". Production has no default, and its deployment checks refuse these
# (corridor/checks.py).
DEMO_ONION = "corridordemonotarealaddress" + "x" * 29 + ".onion"
DEMO_BOT_NAME = "@sample_not_a_real_channel_demo_bot"
DEMO_HOTLINE = "+380 00 000 00 00"
CORRIDOR_PORTAL_HOSTS = host_names(
    os.getenv("CORRIDOR_PORTAL_HOSTS", "" if PRODUCTION else DEMO_ONION)
)
if PRODUCTION and not CORRIDOR_STAFF_HOSTS:
    raise ImproperlyConfigured("Production needs ALLOWED_HOSTS (the staff host name).")
if PRODUCTION and shared_hosts(CORRIDOR_PORTAL_HOSTS, CORRIDOR_STAFF_HOSTS):
    raise ImproperlyConfigured(
        "A host may be a portal host (CORRIDOR_PORTAL_HOSTS) or a staff host (ALLOWED_HOSTS), "
        "never both: "
        + ", ".join(shared_hosts(CORRIDOR_PORTAL_HOSTS, CORRIDOR_STAFF_HOSTS))
        + ". List portal names only in CORRIDOR_PORTAL_HOSTS (docs/operations.md)."
    )
# A portal request is recognised by its exact name (corridor.middleware.on_portal_host); a
# pattern there would match no portal request yet let Django accept every name it covers, all
# of them routed to the staff console: the portal's own names would show the staff login.
_portal_patterns = [h for h in CORRIDOR_PORTAL_HOSTS if h == "*" or h.startswith(".")]
if PRODUCTION and _portal_patterns:
    raise ImproperlyConfigured(
        "CORRIDOR_PORTAL_HOSTS takes exact host names, never a pattern: "
        + ", ".join(_portal_patterns)
        + ". A pattern there would serve the staff console on the portal's names "
        "(docs/operations.md)."
    )
ALLOWED_HOSTS = list(dict.fromkeys(CORRIDOR_STAFF_HOSTS + CORRIDOR_PORTAL_HOSTS))

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # django-otp without its TOTP and static plugins: their tables keep seeds and backup codes
    # in clear. Corridor's own devices (accounts/models.py) keep them sealed and hashed.
    "django_otp",
    "corridor",
    "accounts",
    "audit",
    "cases",
    "vault",
    "intake",
    "planning",
    "family",
    "reception",
    "rewards",
    "telegram_bot",
    "django_tasks",
    "django_tasks_db",
]

# The delivery outbox (DESIGN.md, "Background work"): tasks are rows written in the same
# transaction as the change that causes them; `corridor worker` runs them, on SQLite for
# development and PostgreSQL in production (SELECT … FOR UPDATE SKIP LOCKED there).
# Every row is corridor.outbox.deliver with one payload sealed to the workers' delivery key
# (the case id inside it); `corridor worker` deletes a row in the transaction of its work.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "corridor.middleware.security_headers",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "corridor.middleware.language",
    "django.middleware.common.CommonMiddleware",
    "intake.portal.PortalCsrfMiddleware",  # Django's, with the portal's token in its session
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.staff_access",
    "vault.possession.middleware",  # binds what the user's keys open (cases/access.py)
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "corridor.urls"
WSGI_APPLICATION = "corridor.wsgi.application"

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
                "accounts.context_processors.navigation",
                "cases.context_processors.queue_navigation",
            ],
            "string_if_invalid": "",
        },
    }
]

_database_url = os.getenv("DATABASE_URL")
if PRODUCTION and not (_database_url or "").startswith(("postgres://", "postgresql://")):
    raise ImproperlyConfigured("Production needs DATABASE_URL pointing at PostgreSQL.")
DATABASES = {
    "default": database_from_url(_database_url)
    if _database_url
    else {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "var" / "corridor.sqlite3"}
}
if not _database_url:
    (BASE_DIR / "var").mkdir(exist_ok=True)
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL lets the page server read while a writer commits; IMMEDIATE takes the write lock at
    # BEGIN, so two writers queue instead of failing halfway with "database is locked".
    # secure_delete zeroes deleted rows (delivered outbox payloads) instead of leaving them in
    # free pages of the file.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA secure_delete=ON;"
        ),
    }
    DATABASES["default"]["TEST"] = {"NAME": os.getenv("CORRIDOR_TEST_SQLITE") or None}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# Capabilities from roles only: a superuser flag grants nothing (accounts/backends.py).
AUTHENTICATION_BACKENDS = ["accounts.backends.RoleBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:dashboard"

# Argon2id for staff passwords. Tests swap in a cheap hasher through settings named insecure
# (tests/conftest.py), never here.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sessions live in the database so that every host behind the load balancer sees them, keyed
# by a keyed hash of the cookie value (accounts/session_store.py): the table cannot be replayed.
SESSION_ENGINE = "accounts.session_store"
# In production every cookie is Secure, host-only and on "/" with the __Host- prefix, so no
# other host of the domain can set or read it.
COOKIE_PREFIX = "__Host-" if PRODUCTION else ""
SESSION_COOKIE_NAME = COOKIE_PREFIX + "corridor_session"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Strict"
SESSION_COOKIE_SECURE = PRODUCTION
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Absolute cap on a staff session; the idle limit is enforced by accounts.middleware.
SESSION_COOKIE_AGE = envint("CORRIDOR_SESSION_MAX_SECONDS", str(12 * 3600))
CORRIDOR_IDLE_TIMEOUT = envint("CORRIDOR_IDLE_TIMEOUT_SECONDS", str(15 * 60))
CSRF_COOKIE_NAME = COOKIE_PREFIX + "corridor_csrf"  # staff only: the portal's is in its session
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Strict"
CSRF_COOKIE_SECURE = PRODUCTION
CSRF_FAILURE_VIEW = "corridor.views.csrf_failure"
# Django's "no CSRF middleware" warning looks for its own class by name; corridor.E006 checks
# for the portal's subclass instead.
SILENCED_SYSTEM_CHECKS = ["security.W003"]

# Login throttling (accounts/throttle.py): after this many failures for one name from
# clients without that user's device cookie, attempts wait, doubling up to the cap.
CORRIDOR_LOGIN_FREE_FAILURES = envint("CORRIDOR_LOGIN_FREE_FAILURES", "5")
CORRIDOR_LOGIN_MAX_LOCK_SECONDS = envint("CORRIDOR_LOGIN_MAX_LOCK_SECONDS", "900")
CORRIDOR_DEVICE_COOKIE_DAYS = envint("CORRIDOR_DEVICE_COOKIE_DAYS", "60")

OTP_TOTP_ISSUER = os.getenv("CORRIDOR_OTP_ISSUER", "Corridor")
OTP_TOTP_TOLERANCE = 1

# Security headers. The CSP is set by corridor.middleware.security_headers.
SECURE_CONTENT_TYPE_NOSNIFF = True
# No referrer ever leaves for another origin. Not "no-referrer": with it Chromium sends
# "Origin: null" on form posts, which Django's CSRF origin check rightly refuses.
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = envbool("CORRIDOR_SSL_REDIRECT", "true" if PRODUCTION else "false")
SECURE_HSTS_SECONDS = envint("CORRIDOR_HSTS_SECONDS", str(365 * 24 * 3600) if PRODUCTION else "0")
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_HSTS_PRELOAD = PRODUCTION
# nginx terminates TLS and sets this header; nothing else may (deploy/nginx/corridor-staff.conf).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if PRODUCTION else None

LANGUAGE_CODE = "uk"  # staff UI default; the applicant portal defaults to Russian itself
LANGUAGES = [("uk", _("Ukrainian")), ("ru", _("Russian")), ("en", _("English"))]
LANGUAGE_COOKIE_NAME = COOKIE_PREFIX + "corridor_language"
LANGUAGE_COOKIE_AGE = None  # the browser session: the portal leaves no cookie behind
LANGUAGE_COOKIE_SAMESITE = "Strict"
LANGUAGE_COOKIE_SECURE = PRODUCTION
LANGUAGE_COOKIE_HTTPONLY = True
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = os.getenv("CORRIDOR_TIME_ZONE", "Europe/Kyiv")
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"

# The vault (docs/vault.md). Keys live outside the database in CORRIDOR_KEY_DIR.
CORRIDOR_KEY_DIR = os.getenv("CORRIDOR_KEY_DIR") or str(BASE_DIR / "var" / "keys")
if PRODUCTION and not os.getenv("CORRIDOR_KEY_DIR"):
    raise ImproperlyConfigured("Production needs CORRIDOR_KEY_DIR (see `corridor keys init`).")
# Signed audit checkpoints, appended hourly and after every key operation; pull the file off
# the host every day (docs/audit.md, docs/operations.md). `corridor audit verify` reads it.
CORRIDOR_AUDIT_CHECKPOINTS = os.getenv("CORRIDOR_AUDIT_CHECKPOINTS") or str(
    BASE_DIR / "var" / "audit-checkpoints"
)
# Argon2id cost for wrapping staff keys (libsodium units: passes, bytes). Tests lower it in a
# fixture named insecure; production keeps at least these.
CORRIDOR_ARGON2_OPSLIMIT = envint("CORRIDOR_ARGON2_OPSLIMIT", "3")
CORRIDOR_ARGON2_MEMLIMIT = envint("CORRIDOR_ARGON2_MEMLIMIT", str(64 * 1024 * 1024))
CORRIDOR_WORDLIST = os.getenv("CORRIDOR_WORDLIST", "")  # default: the EFF long list
CORRIDOR_DEFAULT_PHONE_REGION = os.getenv("CORRIDOR_DEFAULT_PHONE_REGION", "RU")
MEDIA_ROOT = os.getenv("CORRIDOR_MEDIA_ROOT") or str(BASE_DIR / "var" / "media")


def _inside(path: str, folder: Path) -> bool:
    return Path(path).resolve().is_relative_to(folder.resolve())


# var/ and the media folder are backed up with the database (docs/operations.md, "Backups");
# the key directory (peppers, wrap secret) must never be in those backups.
if PRODUCTION and any(_inside(CORRIDOR_KEY_DIR, folder) for folder in (BASE_DIR, Path(MEDIA_ROOT))):
    raise ImproperlyConfigured(
        "CORRIDOR_KEY_DIR must lie outside the checkout, var/ and CORRIDOR_MEDIA_ROOT, which "
        "are backed up with the database (docs/operations.md)."
    )

# Programme data (docs/questionnaires.md): programmes/<CORRIDOR_PROGRAMME>/.
CORRIDOR_PROGRAMME = os.getenv("CORRIDOR_PROGRAMME", "reference")
CORRIDOR_PROGRAMME_DIR = str(BASE_DIR / "programmes" / CORRIDOR_PROGRAMME)
# The applicant portal: its own URL prefix here, its own host names in production (the
# onion address among them, CORRIDOR_PORTAL_HOSTS above); requests for these hosts see only
# the portal's URLs.
# The portal's one cookie (intake/portal.py): a session cookie, never given an expiry date.
CORRIDOR_PORTAL_COOKIE_NAME = COOKIE_PREFIX + "corridor_portal"
# Tor Browser posts with "Origin: http://<onion>" while nginx says the scheme is https.
CSRF_TRUSTED_ORIGINS = [f"http://{h}" for h in CORRIDOR_PORTAL_HOSTS if h.endswith(".onion")]
# Case deadlines (programme settings): a new case should be screened within this many days; a
# case without contact for this many days becomes dormant (`corridor cases mark-dormant`,
# daily) and reopens when the applicant makes contact again.
CORRIDOR_SCREENING_DAYS = envint("CORRIDOR_SCREENING_DAYS", "2")
CORRIDOR_DORMANT_AFTER_DAYS = envint("CORRIDOR_DORMANT_AFTER_DAYS", "30")
# Intent registered or verified and silent this long: the case is overdue for re-contact.
CORRIDOR_RECONTACT_DAYS = envint("CORRIDOR_RECONTACT_DAYS", "14")
# The programme's published channels, shown on the portal's "how to recognise us" page and on
# drop notes (in development, the obvious samples above unless set).
CORRIDOR_BOT_NAME = os.getenv("CORRIDOR_BOT_NAME", "" if PRODUCTION else DEMO_BOT_NAME)
CORRIDOR_HOTLINE = os.getenv("CORRIDOR_HOTLINE", "" if PRODUCTION else DEMO_HOTLINE)
CORRIDOR_PORTAL_IDLE_SECONDS = envint("CORRIDOR_PORTAL_IDLE_SECONDS", str(20 * 60))
# Flood limits (intake/limits.py): per portal session, and for the whole portal per minute.
CORRIDOR_PORTAL_SESSION_SUBMISSIONS = envint("CORRIDOR_PORTAL_SESSION_SUBMISSIONS", "3")
CORRIDOR_PORTAL_SUBMISSIONS_PER_MINUTE = envint("CORRIDOR_PORTAL_SUBMISSIONS_PER_MINUTE", "600")
CORRIDOR_PORTAL_LOGINS_PER_MINUTE = envint("CORRIDOR_PORTAL_LOGINS_PER_MINUTE", "1200")

# The Telegram bot (docs/telegram.md). The token: TELEGRAM_BOT_TOKEN(_FILE) or telegram.token in
# the key directory; the webhook's secret token: TELEGRAM_WEBHOOK_SECRET(_FILE) (no secret: no
# webhook, use `corridor bot` polling).
TELEGRAM_BOT_TOKEN = envsecret("TELEGRAM_BOT_TOKEN")
TELEGRAM_WEBHOOK_SECRET = envsecret("TELEGRAM_WEBHOOK_SECRET")
# Updates one chat may send per minute; longer messages are refused.
CORRIDOR_TELEGRAM_UPDATES_PER_MINUTE = envint("CORRIDOR_TELEGRAM_UPDATES_PER_MINUTE", "30")
CORRIDOR_TELEGRAM_MAX_TEXT = envint("CORRIDOR_TELEGRAM_MAX_TEXT", "2000")
# How long bot messages stay in the chat (all well inside Telegram's 48-hour deletion limit):
# the codename hand-over, short answers (/status, /help...), and staff replies.
CORRIDOR_TELEGRAM_CODENAME_SECONDS = envint("CORRIDOR_TELEGRAM_CODENAME_SECONDS", "300")
CORRIDOR_TELEGRAM_DELETE_SECONDS = envint("CORRIDOR_TELEGRAM_DELETE_SECONDS", "120")
CORRIDOR_TELEGRAM_REPLY_SECONDS = envint("CORRIDOR_TELEGRAM_REPLY_SECONDS", str(6 * 3600))
CORRIDOR_TELEGRAM_ATTEMPTS = envint("CORRIDOR_TELEGRAM_ATTEMPTS", "6")
# A dialog left unfinished this long is deleted with its answers (`corridor telegram purge`).
CORRIDOR_TELEGRAM_DIALOG_DAYS = envint("CORRIDOR_TELEGRAM_DIALOG_DAYS", "7")

# Logging: level, time, logger and message only. No request objects, no addresses, no bodies:
# corridor.logging.RedactAddresses also strips anything that looks like an IP address from the
# message, and django.server's request lines carry paths that hold no personal data by design.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "redact": {"()": "corridor.logging.RedactAddresses"},
        "no_arguments": {"()": "telegram_bot.logs.DropArguments"},
    },
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact"]},
        # A handler filter (a logger's filter would miss records of its child loggers).
        "telegram": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["no_arguments", "redact"],
        },
    },
    "root": {"handlers": ["console"], "level": os.getenv("CORRIDOR_LOG_LEVEL", "INFO")},
    "loggers": {
        # django.request attaches the request to its records; our formatter never prints it.
        "django.request": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.security": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        # httpx logs every request URL, and a Bot API URL holds the bot token; PTB may log an
        # update (chat ids, text). Warnings only, without their arguments.
        "httpx": {"handlers": ["telegram"], "level": "WARNING", "propagate": False},
        "telegram": {"handlers": ["telegram"], "level": "WARNING", "propagate": False},
    },
}

# Errors are never mailed (mail would carry request data); ADMINS stays empty on purpose.
ADMINS: list = []
