"""The one settings module. Every value comes from the environment; see docs/configuration.md.

Defaults run on a fresh clone (SQLite, a filesystem Celery broker). Production fails closed:
with DEBUG off, a missing SECRET_KEY or ALLOWED_HOSTS stops the boot.
"""

import hashlib
import hmac
import logging
import secrets
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)


def _secret_key() -> str:
    key = env.str("SECRET_KEY", default="")
    if key:
        return key
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DJANGO_DEBUG is off.")
    # Development only: a random key kept on disk so sessions survive a restart.
    path = VAR_DIR / "dev-secret-key"
    if not path.exists():
        VAR_DIR.mkdir(exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = _secret_key()

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1"] if DEBUG else [])
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DJANGO_DEBUG is off.")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "phonenumber_field",
    "csp",
    "rph.accounts",
    "rph.audit",
    "rph.notifications",
    "intake",
    "questionnaires",
    "treatment",
    "referrals",
    "reporting",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Before the session-lifetime middleware, which tells the user why they were logged out.
    "django.contrib.messages.middleware.MessageMiddleware",
    "rph.accounts.middleware.StaffLoginRequiredMiddleware",
    "rph.accounts.middleware.SessionLifetimeMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "rph.accounts.middleware.RequireSecondFactorMiddleware",
    # Hostile input (NUL, numbers past 64 bits, dates past the calendar, deep JSON): 400.
    "rph.inputs.BadInputMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last: the views it sends to the replica have passed every check above on the primary.
    "rph.replica.ReplicaReadsMiddleware",
]

ROOT_URLCONF = "rph.urls"
WSGI_APPLICATION = "rph.wsgi.application"

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
                "django.template.context_processors.i18n",
                "rph.accounts.context_processors.navigation",
                "rph.notifications.context_processors.notifications",
            ],
        },
    },
]

# Database: SQLite on a fresh clone, PostgreSQL (psycopg 3) when DATABASE_URL says so.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'rph.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
# A streaming replica of the primary for the reports in REPLICA_VIEWS (rph/replica.py). No
# request transaction there: it would open a connection to the replica for every request.
DATABASE_REPLICA_URL = env.str("DATABASE_REPLICA_URL", default="")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = env.db_url_config(DATABASE_REPLICA_URL)
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
for _database in DATABASES.values():
    if _database["ENGINE"] == "django.db.backends.postgresql":
        # A database that does not answer fails a request (and a readiness probe) in seconds.
        _database.setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(exist_ok=True)
    DATABASES["default"].setdefault("OPTIONS", {})["transaction_mode"] = "IMMEDIATE"
DATABASE_ROUTERS = ["rph.replica.ReplicaRouter"]
# Read-only, heavy, and fine a second behind: what reads from the replica when there is one.
REPLICA_VIEWS = frozenset(
    {
        "reporting:dashboard",
        "reporting:capacity",
        "reporting:drilldown",
        "reporting:grant_report",
        "reporting:grant_report_pdf",
        "reporting:grant_report_xlsx",
        "reporting:fhi_export",
        "api-dashboard",
        "api-dashboard-figure",
        "api-grant-report",
        "api-grant-pdf",
        "api-grant-xlsx",
        "api-fhi-export",
    }
)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
# Keys of the cache and of beat's schedule in Redis; tests and a second deployment use their own.
CACHE_KEY_PREFIX = env.str("CACHE_KEY_PREFIX", default="rph")

if REDIS_URL:
    # While Redis does not answer, the cache's calls go to a table in the database (rph/cache.py).
    CACHES = {
        "default": {
            "BACKEND": "rph.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": CACHE_KEY_PREFIX,
        },
        "fallback": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "rph_cache_fallback",
            "KEY_PREFIX": CACHE_KEY_PREFIX,
        },
    }
else:
    # Login rate limits must be shared by every web process; a file cache is on a fresh clone.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
            "KEY_PREFIX": CACHE_KEY_PREFIX,
        }
    }

# People
AUTH_USER_MODEL = "accounts.User"
# allauth's backend is a ModelBackend that also accepts e-mail; one backend, one hash per try.
AUTHENTICATION_BACKENDS = ["allauth.account.auth_backends.AuthenticationBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"

ACCOUNT_ADAPTER = "rph.accounts.adapters.StaffAccountAdapter"
ACCOUNT_FORMS = {
    "login": "rph.accounts.forms.StaffLoginForm",
    "reset_password": "rph.accounts.forms.StaffResetPasswordForm",
}
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_PREVENT_ENUMERATION = True
# A reset asked for an unknown address sends nothing: RPH mails only its own staff.
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
LOGIN_FAILURES_ALLOWED = env.int("RPH_LOGIN_FAILURES_ALLOWED", default=5)
LOGIN_LOCKOUT_MINUTES = env.int("RPH_LOGIN_LOCKOUT_MINUTES", default=15)
ACCOUNT_RATE_LIMITS = {
    # Per account: after N failures the account is locked for the period, right password or not.
    "login_failed": f"20/m/ip,{LOGIN_FAILURES_ALLOWED}/{LOGIN_LOCKOUT_MINUTES}m/key",
    "login": "30/m/ip",
    "reset_password": "5/m/ip,3/m/key",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "RPH"
MFA_RECOVERY_CODE_COUNT = 10
# Accept the code of the previous 30-second step too (RFC 6238 §5.2): clocks and typing lag.
MFA_TOTP_TOLERANCE = 1

# The second factor is required for every staff user. Development may switch it off,
# loudly: the boot refuses it with DEBUG off, and every page shows a warning banner.
MFA_REQUIRED = env.bool("RPH_MFA_REQUIRED", default=True)
if not MFA_REQUIRED:
    if not DEBUG:
        raise ImproperlyConfigured("RPH_MFA_REQUIRED=false is only allowed with DJANGO_DEBUG on.")
    logging.getLogger("rph.security").warning(
        "Second factor is switched OFF (RPH_MFA_REQUIRED=false). Development only."
    )

# A personal API token works this long after it was made (rph/accounts/tokens.py).
API_TOKEN_LIFETIME = timedelta(days=env.int("RPH_API_TOKEN_DAYS", default=30))


def _env_str(name: str, default: str = "") -> str:
    """An empty variable is an unset one: the default applies."""
    return env.str(name, default="").strip() or default


def _env_bool(name: str, default: bool) -> bool:
    return env.bool(name) if _env_str(name) else default


def _env_list(name: str, default: list[str]) -> list[str]:
    return [v.strip() for v in _env_str(name).split(",") if v.strip()] or default


# Single sign-on with the municipality's identity provider (OpenID Connect, rph/accounts/sso/).
# Off unless RPH_OIDC_SERVER_URL is set; docs/configuration.md#single-sign-on.
OIDC_SERVER_URL = _env_str("RPH_OIDC_SERVER_URL")
OIDC_ENABLED = bool(OIDC_SERVER_URL)
OIDC_PROVIDER_ID = "idp"  # in the redirect URI: /accounts/oidc/idp/login/callback/
OIDC_CLIENT_ID = _env_str("RPH_OIDC_CLIENT_ID")
OIDC_CLIENT_SECRET = _env_str("RPH_OIDC_CLIENT_SECRET")
OIDC_PRIVATE_KEY = _env_str("RPH_OIDC_PRIVATE_KEY").replace("\\n", "\n")
if not OIDC_PRIVATE_KEY and (_key_file := _env_str("RPH_OIDC_PRIVATE_KEY_FILE")):
    OIDC_PRIVATE_KEY = Path(_key_file).read_text()
OIDC_KEY_ID = _env_str("RPH_OIDC_KEY_ID")
OIDC_TOKEN_AUTH_METHODS = ("private_key_jwt", "client_secret_basic", "client_secret_post")
OIDC_TOKEN_AUTH_METHOD = _env_str(
    "RPH_OIDC_TOKEN_AUTH_METHOD", "private_key_jwt" if OIDC_PRIVATE_KEY else "client_secret_basic"
)
OIDC_SCOPES = _env_list("RPH_OIDC_SCOPES", ["openid", "profile", "email"])
OIDC_NAME = _env_str("RPH_OIDC_NAME")  # the sign-in button; empty: "the municipality's sign-in"
OIDC_MFA_AMR = _env_list("RPH_OIDC_MFA_AMR", ["mfa"])
OIDC_MFA_ACR = _env_list("RPH_OIDC_MFA_ACR", [])
OIDC_AUTO_CREATE = _env_bool("RPH_OIDC_AUTO_CREATE", False)
LOCAL_LOGIN = _env_bool("RPH_LOCAL_LOGIN", True)
if OIDC_ENABLED:
    if not OIDC_CLIENT_ID:
        raise ImproperlyConfigured("RPH_OIDC_SERVER_URL needs RPH_OIDC_CLIENT_ID.")
    if OIDC_TOKEN_AUTH_METHOD not in (
        "private_key_jwt",
        "client_secret_basic",
        "client_secret_post",
    ):
        raise ImproperlyConfigured(
            "RPH_OIDC_TOKEN_AUTH_METHOD must be private_key_jwt, client_secret_basic or "
            "client_secret_post."
        )
    if OIDC_TOKEN_AUTH_METHOD == "private_key_jwt" and not OIDC_PRIVATE_KEY:
        raise ImproperlyConfigured("private_key_jwt needs RPH_OIDC_PRIVATE_KEY(_FILE).")
    if OIDC_TOKEN_AUTH_METHOD != "private_key_jwt" and not OIDC_CLIENT_SECRET:
        raise ImproperlyConfigured(f"{OIDC_TOKEN_AUTH_METHOD} needs RPH_OIDC_CLIENT_SECRET.")
    if not DEBUG and not OIDC_SERVER_URL.startswith("https://"):
        raise ImproperlyConfigured("RPH_OIDC_SERVER_URL must be an https URL.")
if not LOCAL_LOGIN and not OIDC_ENABLED:
    raise ImproperlyConfigured("RPH_LOCAL_LOGIN=false needs single sign-on (RPH_OIDC_SERVER_URL).")

SOCIALACCOUNT_ADAPTER = "rph.accounts.sso.adapter.MunicipalSocialAccountAdapter"
SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {
        "provider_class": "rph.accounts.sso.provider.MunicipalOIDCProvider",
        "OAUTH_PKCE_ENABLED": True,
        "SCOPE": OIDC_SCOPES,
        "APPS": [
            {
                "provider_id": OIDC_PROVIDER_ID,
                "name": OIDC_NAME,
                "client_id": OIDC_CLIENT_ID,
                "secret": "" if OIDC_TOKEN_AUTH_METHOD == "private_key_jwt" else OIDC_CLIENT_SECRET,
                "settings": {
                    "server_url": OIDC_SERVER_URL,
                    "token_auth_method": OIDC_TOKEN_AUTH_METHOD,
                    "oauth_pkce_enabled": True,
                    # The verified ID token carries what RPH reads (sub, amr, acr, name).
                    "fetch_userinfo": False,
                },
            }
        ]
        if OIDC_ENABLED
        else [],
    }
}
SOCIALACCOUNT_AUTO_SIGNUP = True  # only where the adapter allows a sign-up at all
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False  # never link an account by its e-mail address
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = False
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_EMAIL_REQUIRED = False
SOCIALACCOUNT_QUERY_EMAIL = False
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_LOGIN_ON_GET = False


SESSION_COOKIE_AGE = env.int("RPH_SESSION_IDLE_MINUTES", default=30) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_ABSOLUTE_LIFETIME = timedelta(hours=env.int("RPH_SESSION_MAX_HOURS", default=10))
BREAK_GLASS_LIFETIME = timedelta(minutes=env.int("RPH_BREAK_GLASS_MINUTES", default=60))

# Security: HTTPS everywhere unless told otherwise (tests and local runs over http).
HTTPS = env.bool("RPH_HTTPS", default=not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = 31_536_000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
TRUST_X_FORWARDED_FOR = env.bool("RPH_TRUST_X_FORWARDED_FOR", default=False)
# Login rate limits per address: behind our one proxy, the address it appends is the client.
ALLAUTH_TRUSTED_PROXY_COUNT = 1 if TRUST_X_FORWARDED_FOR else 0
# Probes reach each web process directly over HTTP, past the TLS-terminating proxy.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}
if OIDC_ENABLED:
    # Sign-in and logout forms post to RPH, which redirects to the identity provider.
    _idp = urlsplit(OIDC_SERVER_URL)
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"].append(f"{_idp.scheme}://{_idp.netloc}")

# Language, time, dates
LANGUAGE_CODE = "nb"
# Each language is named in its own language in the switcher.
LANGUAGES = [("nb", "Norsk bokmål"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Oslo"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["rph.formats"]

# Static files: vendored under static/, served by WhiteNoise.
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_MANIFEST = env.bool("RPH_STATIC_MANIFEST", default=not DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if STATIC_MANIFEST
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Without the manifest (development, tests) WhiteNoise serves straight from static/.
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
PHONENUMBER_DEFAULT_REGION = "NO"
# Synthetic test numbers (month + 80) are for demo and test systems, never production data.
FNR_ALLOW_SYNTHETIC = env.bool("RPH_ALLOW_SYNTHETIC_FNR", default=DEBUG)

# E-mail
EMAIL_CONFIG = env.email_url(
    "EMAIL_URL", default="consolemail://" if DEBUG else "smtp://localhost:25"
)
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="rph@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Links in e-mails, e.g. https://rph.kommune.no; without it e-mails carry paths only.
SITE_URL = env.str("RPH_SITE_URL", default="").rstrip("/")
# The FHI export's pseudonym key when the team lead gives none (reporting/fhi/dataset.py); derived
# from SECRET_KEY unless set, so set it if SECRET_KEY may be rotated.
EXPORT_KEY = (
    env.str("RPH_EXPORT_KEY", default="")
    or hmac.new(SECRET_KEY.encode(), b"rph.reporting.fhi.export-key", hashlib.sha256).hexdigest()
)

# Questionnaire links to clients (questionnaires/sending.py): dev records them in the outbox
# only; email sends e-mails; sms-http sends SMS through an HTTP gateway, and e-mails.
MESSAGE_BACKEND = env.str("RPH_MESSAGE_BACKEND", default="dev")
if MESSAGE_BACKEND not in ("dev", "email", "sms-http"):
    raise ImproperlyConfigured("RPH_MESSAGE_BACKEND must be dev, email or sms-http.")
# A claim older than this belongs to a worker that stopped: far above send_message's hard
# time limit (60 s). The fault tests shorten it.
OUTBOX_STALE_CLAIM_SECONDS = env.int("RPH_OUTBOX_STALE_CLAIM_SECONDS", default=600)
SMS_GATEWAY_URL = env.str("RPH_SMS_GATEWAY_URL", default="")
SMS_GATEWAY_KEY = env.str("RPH_SMS_GATEWAY_KEY", default="")
SMS_SENDER = env.str("RPH_SMS_SENDER", default="")
if MESSAGE_BACKEND == "sms-http" and not (SMS_GATEWAY_URL and SMS_SENDER):
    raise ImproperlyConfigured(
        "RPH_MESSAGE_BACKEND=sms-http needs RPH_SMS_GATEWAY_URL and RPH_SMS_SENDER."
    )

# Backups (manage.py backup / restore, docs/operations.md#backup-and-restore)
BACKUP_DIR = env.str("RPH_BACKUP_DIR", default=str(VAR_DIR / "backups"))
BACKUP_KEEP = env.int("RPH_BACKUP_KEEP", default=14)
BACKUP_PASSPHRASE_FILE = env.str("RPH_BACKUP_PASSPHRASE_FILE", default="")

# Electronic letters to GPs (referrals/letters/outbox.py): the municipality's message service
# sends every <MsgId>.xml that appears in the outbox and drops the application receipts in the
# inbox (docs/configuration.md).
LETTER_MESSAGE_OUTBOX = env.path("RPH_MESSAGE_OUTBOX_DIR", default=VAR_DIR / "meldinger" / "ut")
LETTER_MESSAGE_INBOX = env.path("RPH_MESSAGE_INBOX_DIR", default=VAR_DIR / "meldinger" / "inn")

# API
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so an unauthenticated call gets 401 with a WWW-Authenticate header.
        "rph.accounts.tokens.PersonalTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rph.accounts.permissions.IsTeamStaff"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "rph.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "RPH API",
    "DESCRIPTION": "API for Rask psykisk helsehjelp teams. Every call needs a staff login.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rph.accounts.permissions.IsTeamStaff"],
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI from the vendored sidecar package, never a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # One schema name per choice set that several serializers share.
    "ENUM_NAME_OVERRIDES": {
        "SessionModeEnum": "treatment.models.SessionMode",
        "SessionAttendanceEnum": "treatment.models.Attendance",
        "EpisodeEndReasonEnum": "treatment.models.EndReason",
        "LetterSentViaEnum": "referrals.models.SentVia",
        "LetterKindEnum": "referrals.models.LetterKind",
        "LetterStatusEnum": "referrals.models.LetterStatus",
    },
}

# Celery: a broker that needs no server on a fresh clone, Redis when REDIS_URL is set.
CELERY_DIR = VAR_DIR / "celery"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    # A request that enqueues work while Redis is away must not hang: one try of about a
    # second, then the caller logs it and the outbox sweep sends the work when Redis is back.
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {
        "socket_connect_timeout": 1,
        "socket_timeout": 2,
    }
    CELERY_BROKER_CONNECTION_TIMEOUT = 1
    CELERY_BROKER_CONNECTION_MAX_RETRIES = None  # a worker waits out any outage
    CELERY_TASK_PUBLISH_RETRY_POLICY = {
        "max_retries": 1,
        "interval_start": 0,
        "interval_step": 0.2,
        "interval_max": 0.2,
    }
    CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 1
    CELERY_REDIS_SOCKET_TIMEOUT = 2
else:
    for _sub in ("queue", "processed", "results", "control"):
        (CELERY_DIR / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_RESULT_BACKEND = f"file://{CELERY_DIR / 'results'}"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_DIR / "queue"),
        "data_folder_out": str(CELERY_DIR / "queue"),
        "processed_folder": str(CELERY_DIR / "processed"),
        "control_folder": str(CELERY_DIR / "control"),
        "store_processed": False,
    }
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_TIME_LIMIT = 120
CELERY_TASK_SOFT_TIME_LIMIT = 100
CELERY_TASK_ACKS_LATE = True
CELERY_RESULT_EXPIRES = timedelta(hours=1)
if REDIS_URL:
    # Beat keeps its schedule and last run times in Redis and ticks only while it holds the
    # lock there (celery-redbeat): a second beat, on this host or another, waits as a standby
    # and takes over within seconds when the first stops, or within the lock timeout when it
    # dies, without sending again what the first one sent.
    CELERY_BEAT_SCHEDULER = "redbeat.RedBeatScheduler"
    CELERY_REDBEAT_REDIS_URL = REDIS_URL
    CELERY_REDBEAT_KEY_PREFIX = f"{CACHE_KEY_PREFIX}:beat:"
    CELERY_REDBEAT_LOCK_TIMEOUT = 30
    CELERY_BEAT_MAX_LOOP_INTERVAL = 5  # seconds between ticks, and between a standby's tries
else:
    # A fresh clone runs one beat (make run), with its schedule in a file.
    CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "clear-expired-sessions": {
        "task": "rph.accounts.tasks.clear_expired_sessions",
        "schedule": timedelta(hours=1),
    },
    "sweep-intake-deadlines": {
        "task": "intake.tasks.sweep_intake_deadlines",
        "schedule": timedelta(minutes=5),
        # A run that waited longer than the interval is dropped: the next one covers it.
        "options": {"expires": 4 * 60},
    },
    "escalate-risk-alerts": {
        "task": "questionnaires.tasks.escalate_risk_alerts",
        "schedule": timedelta(minutes=5),
        "options": {"expires": 4 * 60},
    },
    "sweep-letter-messages": {
        "task": "referrals.tasks.sweep_letter_messages",
        "schedule": timedelta(minutes=1),
        "options": {"expires": 50},
    },
    "sweep-questionnaire-outbox": {
        "task": "questionnaires.tasks.sweep_outbox",
        "schedule": timedelta(minutes=1),
        "options": {"expires": 50},
    },
    "send-due-follow-ups": {
        "task": "treatment.tasks.send_due_follow_ups",
        "schedule": timedelta(hours=1),
        "options": {"expires": 50 * 60},
    },
}

# Logging: never personal data. The filter masks what looks like fødselsnummer,
# phone numbers and e-mail addresses in anything that reaches a handler.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "rph.logging.RedactPersonalData"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["redact"],
            "formatter": "plain",
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # WeasyPrint reports each rendering step at INFO.
    "loggers": {"weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}
