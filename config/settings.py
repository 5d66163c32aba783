"""Settings for the consultation site, read from environment variables.

Every variable is documented in the README. With nothing set (and DEBUG on) the site runs
on embedded defaults that need no service: a SQLite file, eager Celery tasks, a local-memory
cache and mail written to a local folder.
"""

from pathlib import Path
from typing import Any

from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from config.environment import Environment

BASE_DIR = Path(__file__).resolve().parent.parent

# Typed readers that name the variable they cannot read; config/checks.py checks what they read.
env = Environment()

DEBUG = env.bool("DEBUG", default=False)

if DEBUG:
    SECRET_KEY = env.str("SECRET_KEY", default="insecure-development-key-never-used-in-production")
elif "SECRET_KEY" in env:
    SECRET_KEY = env.str("SECRET_KEY")
else:
    raise ImproperlyConfigured(
        "SECRET_KEY must be set when DEBUG is off, to a long random value such as the output of "
        "python3 -c 'import secrets; print(secrets.token_urlsafe(50))'."
    )

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
PORT = env.int("PORT", default=8000)
# Absolute links in emails and embeds are built from this, never from the request's Host.
SITE_URL = env.str("SITE_URL", default=f"http://127.0.0.1:{PORT}").rstrip("/")

INSTALLED_APPS = [
    "accounts",
    "consult",
    # Django's admin, as the moderators' back office (two-factor login required).
    "consult.apps.ModerationAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # Django's own form and widget templates, for the one form renderer below.
    "django.forms",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "csp",
    # Versions of editorial content (consultations, arguments, statements, organisations).
    "simple_history",
]
if DEBUG:
    # The development mailbox (/dev/mailbox/): a production site has no such page.
    INSTALLED_APPS.append("development")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "config.middleware.permissions_policy",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Django's, without `Vary: Accept-Language`: the address alone says which language a page is in.
    "config.middleware.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # django-csp's, with the policy built once per process (config/middleware.py).
    "config.middleware.ContentSecurityPolicyMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Records which moderator made each historical version.
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "csp.context_processors.nonce",
                "consult.context_processors.site",
            ],
        },
    },
]

# Every form renders its fields through one template (consult/forms/rendering.py).
FORM_RENDERER = "consult.forms.rendering.FormRenderer"

# Database: a SQLite file unless DATABASE_URL names another (PostgreSQL in production).
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Persistent connections, checked before reuse so the site recovers from a database restart.
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Behind a pooler in transaction mode (PgBouncer's pool_mode = transaction) each transaction may
# run on another server connection, so a server-side cursor (QuerySet.iterator()) would be lost
# between two fetches: the whole result is read at once instead.
DATABASE_POOLER = env.str("DATABASE_POOLER", default="")
if DATABASE_POOLER not in {"", "transaction"}:
    raise ImproperlyConfigured(f"DATABASE_POOLER must be 'transaction' or unset, not {DATABASE_POOLER!r}.")
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = DATABASE_POOLER == "transaction"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

if "REDIS_URL" in env:
    CACHES = {
        "default": {
            "BACKEND": "consult.redis_cache.RedisCache",
            "LOCATION": env.str("REDIS_URL"),
            "KEY_PREFIX": "consult",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
# Django's four rules, with messages in the site's catalogue (accounts/passwords.py).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"accounts.passwords.{name}"}
    for name in [
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    ]
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

# allauth: email is the login, verified before the account can be used.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
# Signing up answers alike, in the same time, whether or not the address has an account.
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_FORMS = {
    name: f"accounts.forms.{form}"
    for name, form in {
        "login": "LoginForm",
        "signup": "SignupForm",
        "add_email": "AddEmailForm",
        "change_password": "ChangePasswordForm",
        "reset_password": "ResetPasswordForm",
        "reset_password_from_key": "ResetPasswordKeyForm",
        "reauthenticate": "ReauthenticateForm",
    }.items()
}
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SITE_URL.startswith("https") else "http"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Consult"

LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en", "English"), ("cy", "Cymraeg")]
# The site's Welsh catalogue, then our Welsh for the parts of allauth we use (it has none of its own).
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale" / "allauth"]
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed, compressed files in production; plain files while developing and testing.
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Celery: with no broker configured, tasks run in-process as soon as they are queued.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
# A Redis broker goes through kombu's Redis transport with one client kept per pool (consult/broker.py).
if CELERY_BROKER_URL.partition("://")[0] in ("redis", "rediss"):
    CELERY_BROKER_TRANSPORT = "consult.broker:Transport"
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="celery")
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
# Retry delays stay well below this, so a message is never redelivered while it is retrying.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE: dict[str, dict[str, Any]] = {}
# Signing queues its email after the commit, inside the signer's request: with the broker down,
# publishing must give up within a fraction of a second (the outbox sweep sends the email later).
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_BROKER_TRANSPORT_OPTIONS["socket_connect_timeout"] = 1
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_BEAT_SCHEDULE.update(
    {
        # The outbox sweep: emails whose task never ran, whose sender died, or whose retry is due.
        "send-unsent-emails": {"task": "consult.emails.send_unsent_emails", "schedule": 60.0},
        # Sign and resend forms no task acted on (consult/signing.py): the broker was down.
        "carry-out-waiting-attempts": {
            "task": "consult.signing.carry_out_waiting_attempts",
            "schedule": 60.0,
        },
        "reconcile-counts": {"task": "consult.tasks.reconcile_counts", "schedule": 15 * 60.0},
        "delete-stale-pending-signatures": {
            "task": "consult.tasks.delete_stale_pending_signatures",
            "schedule": 60 * 60.0,
        },
    }
)
# Emails, updates, milestones and retention live beside their logic; workers import them explicitly.
CELERY_IMPORTS = [
    "consult.emails",
    "consult.signing",
    "consult.updates",
    "consult.milestones",
    "consult.retention",
]
# The hourly signature history (consult/history.py).
CELERY_IMPORTS.append("consult.history")
CELERY_BEAT_SCHEDULE["record-signature-history"] = {
    "task": "consult.history.record_hours",
    "schedule": 5 * 60.0,
}
CELERY_BEAT_SCHEDULE.update(
    {
        "check-milestones": {"task": "consult.milestones.check_milestones", "schedule": 60.0},
        "resume-stalled-updates": {"task": "consult.updates.resume_stalled_updates", "schedule": 60.0},
        "forget-ip-hashes": {"task": "consult.retention.forget_ip_hashes", "schedule": 6 * 60 * 60.0},
        "forget-old-feedback": {"task": "consult.retention.forget_old_feedback", "schedule": 24 * 60 * 60.0},
        "anonymise-closed-statements": {
            "task": "consult.retention.anonymise_closed_statements",
            "schedule": 24 * 60 * 60.0,
        },
    }
)
# A milestone email waits this long for a moderator (who may send or cancel it) before it goes.
MILESTONE_GRACE_MINUTES = env.int("MILESTONE_GRACE_MINUTES", default=15)
# An update to more people than this needs a second moderator's approval before it is sent.
UPDATE_APPROVAL_THRESHOLD = env.int("UPDATE_APPROVAL_THRESHOLD", default=1000)

# How long a CDN (and the site's own shared copy) may keep a reading page for anonymous readers:
# as long as the embeds keep a count. Twice that while refreshing, five times when the site fails.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=5)

# Retention, in days (stated on the privacy page). Unconfirmed signatures go after 7 days.
IP_HASH_RETENTION_DAYS = env.int("IP_HASH_RETENTION_DAYS", default=30)
ANONYMISE_AFTER_CLOSE_DAYS = env.int("ANONYMISE_AFTER_CLOSE_DAYS", default=90)

# Feedback sent through the phase banner's form is deleted this many days after it arrives.
FEEDBACK_RETENTION_DAYS = env.int("FEEDBACK_RETENTION_DAYS", default=365)

# Who runs the site: named in every page's footer, on the about and contact pages, and as the data
# controller in the privacy notice. The defaults describe the demo; a real operator sets them all.
OPERATOR_IS_DEMO = "OPERATOR_NAME" not in env
OPERATOR_NAME = env.str("OPERATOR_NAME", default="Consult demonstration (an example operator)")
OPERATOR_EMAIL = env.str("OPERATOR_EMAIL", default="hello@consult.example.org")
OPERATOR_ADDRESS = env.str("OPERATOR_ADDRESS", default="1 Example Street, Exampleton, EX1 1AA")
# Its legal registration, as it should be read ("Company number 01234567, registered in England
# and Wales"), and its number in the ICO's register of fee payers; either may be left empty.
OPERATOR_REGISTRATION = env.str("OPERATOR_REGISTRATION", default="")
OPERATOR_ICO_NUMBER = env.str("OPERATOR_ICO_NUMBER", default="")

# Email: EMAIL_URL gives EMAIL_BACKEND, EMAIL_HOST and the rest; unset, mail is kept in a local
# folder in DEBUG.
LOCAL_MAIL_DIR = BASE_DIR / "var" / "mail"
if "EMAIL_URL" in env:
    vars().update(env.email_url("EMAIL_URL"))
elif DEBUG:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(LOCAL_MAIL_DIR)
else:
    raise ImproperlyConfigured(
        "EMAIL_URL must be set when DEBUG is off (for example smtp://user:password@host:587)."
    )
# Without a timeout a stalled SMTP server would hang a worker forever.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Consult <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Valid sign forms per client IP before the site answers "too many" (a flood, not a crowd).
SIGN_RATE_LIMIT = env.str("SIGN_RATE_LIMIT", default="100/h")
# The signing rules, applied by the confirmation email's task (consult/abuse.py, README
# "Security and privacy"). Per IP address per statement: a burst and a sustained window.
SIGN_BURST_LIMIT = env.str("SIGN_BURST_LIMIT", default="5/m")
SIGN_SUSTAINED_LIMIT = env.str("SIGN_SUSTAINED_LIMIT", default="10/5m")
# Hard ceilings on confirmation emails, per IP address and per email domain (allowed domains
# have no domain ceiling): beyond them a signature waits for a moderator.
SIGN_MAIL_CAP_PER_IP = env.str("SIGN_MAIL_CAP_PER_IP", default="50/h")
SIGN_MAIL_CAP_PER_DOMAIN = env.str("SIGN_MAIL_CAP_PER_DOMAIN", default="10/h")
# CIDR ranges: allowed ones skip the per-address rules, blocked ones are held and not emailed.
SIGN_ALLOWED_RANGES = env.list("SIGN_ALLOWED_RANGES", default=[])
SIGN_BLOCKED_RANGES = env.list("SIGN_BLOCKED_RANGES", default=[])
# Email domain patterns (example.com, *.example.com): allowed ones are shared by too many people
# for a per-domain ceiling to mean anything; blocked ones are held and not emailed.
SIGN_ALLOWED_DOMAINS = env.list(
    "SIGN_ALLOWED_DOMAINS",
    default=[
        "gmail.com",
        "outlook.com",
        "hotmail.com",
        "hotmail.co.uk",
        "live.co.uk",
        "yahoo.com",
        "yahoo.co.uk",
        "icloud.com",
        "btinternet.com",
        "proton.me",
        "*.ac.uk",
        "*.gov.uk",
        "*.nhs.uk",
        "nhs.net",
    ],
)
SIGN_BLOCKED_DOMAINS = env.list("SIGN_BLOCKED_DOMAINS", default=[])
# Other POSTs (resend, argument, endorse, position, report, erase, unsubscribe) share one generous limit.
FORM_RATE_LIMIT = env.str("FORM_RATE_LIMIT", default="60/h")
# Uses of one confirmation link: a double click or a mail scanner uses it a few times, nothing more.
CONFIRM_RATE_LIMIT = env.str("CONFIRM_RATE_LIMIT", default="10/h")
# Adding members by email could be used to probe which addresses have accounts: keep it slow.
ADD_MEMBER_RATE_LIMIT = env.str("ADD_MEMBER_RATE_LIMIT", default="20/h")
# Feedback needs no account or email, so it has a tighter limit of its own.
FEEDBACK_RATE_LIMIT = env.str("FEEDBACK_RATE_LIMIT", default="5/h")
# Behind a trusted proxy, the META key of the header carrying the client IP
# (for example HTTP_X_FORWARDED_FOR). Unset: REMOTE_ADDR, which nobody can forge.
CLIENT_IP_HEADER = env.str("CLIENT_IP_HEADER", default="")

# The benchmark's baseline views (/bench/baseline/...) and their table exist only when this is on.
BENCHMARK_BASELINES = env.bool("BENCHMARK_BASELINES", default=False)
if BENCHMARK_BASELINES:
    INSTALLED_APPS.append("baselines")

# Security headers. Behind a proxy that terminates TLS, set SECURE_SSL_REDIRECT=0.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
if env.bool("SECURE_PROXY_SSL_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 0 if DEBUG else env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), browsing-topics=(), interest-cohort=()"

# A strict policy: nothing from other hosts, no inline script or style without the nonce.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {
        "handlers": ["console"],
        "level": env.choice(
            "LOG_LEVEL", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]
        ),
    },
    # Paths of failed requests carry the tokens of email links, and a token in a log is a working key.
    "filters": {"redact_tokens": {"()": "config.log_filters.RedactTokens"}},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django.request": {"filters": ["redact_tokens"]},
        "django.server": {"filters": ["redact_tokens"]},
        "django.security.csrf": {"filters": ["redact_tokens"]},
    },
}
