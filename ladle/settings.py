"""Ladle's one settings module, driven by environment variables.

Every variable is documented in README.md (Configuration). Defaults are safe for production:
DEBUG is off unless asked for, the secret key is generated once and kept in the data folder,
and cookies are marked secure when the site says it is served over HTTPS.
"""

import os
import secrets
from pathlib import Path

import dj_database_url

from ladle import config

# The configuration file (LADLE_CONFIG, ./ladle.env or /etc/ladle/ladle.env) fills in what the
# environment leaves unsaid; see ladle/config.py and README.md (Configuration).
CONFIG_FILE = config.load()


def _env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = config.data_dir()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    if key := os.environ.get("LADLE_SECRET_KEY"):
        return key
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        # O_EXCL: when several workers start at once, exactly one writes the key.
        try:
            fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_urlsafe(50))
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = _env_bool("LADLE_DEBUG")
ALLOWED_HOSTS = _env_list("LADLE_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = _env_list("LADLE_CSRF_TRUSTED_ORIGINS", "")

HTTPS = _env_bool("LADLE_HTTPS")
if HTTPS:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = _env_bool("LADLE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("LADLE_HSTS_SECONDS", "0"))
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

INSTALLED_APPS = [
    "ladle.accounts",
    "ladle.stories",
    "ladle.comments",
    "ladle.moderation",
    "ladle.polls",
    "ladle.boxes",
    "ladle.notifications",
    "ladle.search",
    "ladle.api",
    "ladle.legacy",
    "ladle.jobs",
    "ladle.site",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "ladle.ops.observe.RequestsSeenMiddleware",  # for `ladle check` (proxies, HTTPS)
    # Whole pages for readers without a session, answered before anything below runs.
    "ladle.site.pages.AnonymousPageCacheMiddleware",
    "ladle.replica.ReplicaReadsMiddleware",  # reads a replica may serve (when there is one)
    "django.middleware.security.SecurityMiddleware",
    "ladle.security.SecurityHeadersMiddleware",
    # Compressed responses (Django's gzip, with its BREACH mitigation: random padding in each
    # response; brotli where no secret can be in the page), and 304s for pages whose ETag or
    # Last-Modified the reader already has.
    "ladle.compression.CompressionMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "ladle.legacy.middleware.OldLinksMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "ladle.site.values.SiteSettingsMiddleware",
    "ladle.accounts.middleware.ReaderMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "ladle.accounts.middleware.ReaderTimeZoneMiddleware",
]

ROOT_URLCONF = "ladle.urls"
WSGI_APPLICATION = "ladle.wsgi.application"
ASGI_APPLICATION = "ladle.asgi.application"  # what `ladle serve` runs (pages and streams)

# A story page's live comment stream: how often it checks the thread (a query by primary key,
# on one thread per server process) and how long one stays open before the browser opens it
# again (a redeploy or a reader who left costs at most this long).
LADLE_LIVE_STREAM_CHECK = 1.5
LADLE_LIVE_STREAM_SECONDS = 55

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ladle.stories.context_processors.site",
                "ladle.site.themes.context",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# SQLite in the data folder unless LADLE_DATABASE_URL names another database.
DATABASE_URL = os.environ.get("LADLE_DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(config.sqlite_path(DATA_DIR)),
            # Kept open between requests: opening the file and setting it up (below) costs
            # more than serving a page a visitor is given from the page cache.
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
        }
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # Writers take the lock when their transaction begins, so two writers never deadlock
        # upgrading a read lock; the busy timeout makes the second one wait instead of failing.
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
    }
    # A file, not Django's shared in-memory default: tests use real threads, and shared-cache
    # memory databases lock tables instead of waiting on the busy timeout.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test-ladle.sqlite3")}
else:
    DATABASES["default"].setdefault("OPTIONS", {})

# A PostgreSQL read replica, for the reads that may be a moment old (ladle.replica).
REPLICA_DATABASE_URL = os.environ.get("LADLE_REPLICA_DATABASE_URL", "")
LADLE_REPLICA_PATHS = _env_list("LADLE_REPLICA_PATHS", "/api/,/feeds/,/search/")
LADLE_REPLICA = bool(REPLICA_DATABASE_URL)
if LADLE_REPLICA:
    DATABASES["replica"] = dj_database_url.parse(REPLICA_DATABASE_URL, conn_max_age=60)
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["ladle.replica.ReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts -------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["ladle.accounts.backends.NameOrEmailBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    # Only verifies passwords imported from a Scoop site, which are then re-hashed with Argon2.
    "ladle.accounts.hashers.ScoopCryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "stories:front_page"
LOGOUT_REDIRECT_URL = "stories:front_page"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24 * 3

# Rendered threads for anonymous readers are kept here, keyed by each story's thread revision,
# compressed (a 2,000-comment thread is about 150 KB): 300 entries stay within ~50 MB a process.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("LADLE_CACHE_ENTRIES", "300"))},
    },
}
# Each comment's reader-independent HTML (comments.threads.render_comments), threads' rows
# and the member kinds' pages made from them are kept in each process within this many MB
# (with Redis, each comment's HTML is shared there too).
LADLE_COMMENT_CACHE = _env_bool("LADLE_COMMENT_CACHE", True)
LADLE_COMMENT_CACHE_MB = int(os.environ.get("LADLE_COMMENT_CACHE_MB", "96"))
# With Redis (LADLE_REDIS_URL, e.g. redis://127.0.0.1:6379/0) every process on every machine
# shares one cache (Django's own Redis backend), and sessions are read from it before the
# database (written to both, so a restart of Redis logs nobody out).
# Whole pages kept for readers without a session (ladle.site.pages), per process, in MB.
LADLE_PAGE_CACHE = _env_bool("LADLE_PAGE_CACHE", True)
LADLE_PAGE_CACHE_MB = int(os.environ.get("LADLE_PAGE_CACHE_MB", "64"))
LADLE_BROTLI = _env_bool("LADLE_BROTLI", True)
REDIS_URL = os.environ.get("LADLE_REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("LADLE_CACHE_PREFIX", "ladle"),
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# --- Time -----------------------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("LADLE_TIME_ZONE", "America/New_York")
USE_I18N = False
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Content-hashed names (site.1a2b3c.css), served with a one-year immutable cache and
    # pre-compressed; a name no manifest lists (tests, before collectstatic) stays as it is.
    "staticfiles": {"BACKEND": "ladle.storage.StaticStorage"},
}
WHITENOISE_MANIFEST_STRICT = False

# --- E-mail ---------------------------------------------------------------------------------
# Without an SMTP host, messages (confirmation links included) are printed to the console.
EMAIL_HOST = os.environ.get("LADLE_EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = int(os.environ.get("LADLE_EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("LADLE_EMAIL_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("LADLE_EMAIL_PASSWORD", "")
    EMAIL_USE_TLS = _env_bool("LADLE_EMAIL_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# E-mail leaves through background tasks stored in the database (django-tasks-db), run by
# `ladle worker` (started by `ladle serve`). Failed deliveries are tried again later.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
LADLE_MAIL_RETRY_SECONDS = int(os.environ.get("LADLE_MAIL_RETRY_SECONDS", "60"))
LADLE_MAIL_MAX_ATTEMPTS = 10
# The site's public address, for links in e-mail sent from the background.
LADLE_SITE_URL = os.environ.get("LADLE_SITE_URL", "http://127.0.0.1:8000")
DEFAULT_FROM_EMAIL = os.environ.get("LADLE_EMAIL_FROM", "Ladle <ladle@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Site -----------------------------------------------------------------------------------
# No form on the site needs more: the longest story text is 100,000 characters (docs/rules.md).
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024

LADLE_SITE_NAME = os.environ.get("LADLE_SITE_NAME", "Ladle")
LADLE_SITE_TAGLINE = os.environ.get("LADLE_SITE_TAGLINE", "")
LADLE_STORIES_PER_PAGE = 8
LADLE_COMMENT_EDIT_MINUTES = 15
# Ratings (docs/rules.md, *Ratings*): the labels name the scale; 0 is the trusted-only "hide".
LADLE_RATING_LABELS = {
    0: "Hide",
    1: "Worthless",
    2: "Poor",
    3: "Average",
    4: "Good",
    5: "Excellent",
}
LADLE_HIDE_RATING_BY = "trusted"  # or "editors": who may give the 0 ("hide") rating
# How members rate a comment unless they chose otherwise: "link" (a Rate link on each comment)
# or "menus" (a rating menu on each comment, saved together with one "Rate all" button).
LADLE_RATING_CONTROL = "link"
LADLE_ARCHIVE_DAYS = 0  # stories older than this take no more comments; 0: never
LADLE_HIDE_THRESHOLD = 1.0  # a comment whose mean is below this is hidden
LADLE_LARGE_THREAD = 200  # above this many visible comments, the "large thread" display applies
LADLE_MOJO = {
    "window_days": 60,
    "window_comments": 30,
    "trusted_at": 3.5,
    "untrusted_below": 1.0,
    "min_rated_comments": 10,
}
# The submission queue (docs/rules.md, *The queue*): a number of votes, or a percentage of the
# members active (logged in) in the last LADLE_ACTIVE_MEMBER_DAYS days, such as "2%".
LADLE_QUEUE_POST_AT = os.environ.get("LADLE_QUEUE_POST_AT", "4")
LADLE_QUEUE_HIDE_AT = os.environ.get("LADLE_QUEUE_HIDE_AT", "-2")
LADLE_ACTIVE_MEMBER_DAYS = 30
LADLE_EDIT_QUEUE_HOURS = 2
# Behind N reverse proxies, the reader's address is the Nth entry from the right of
# X-Forwarded-For (0: use the connection's address).
LADLE_PROXY_COUNT = int(os.environ.get("LADLE_PROXY_COUNT", "0"))
# The post throttle (docs/rules.md, *Abuse control*): the 5th comment (3rd story or diary
# entry) within 10 minutes is refused and locks posting for 2 minutes; each try during a lock
# doubles it; a lock that would reach 300 minutes suspends posting until a moderator lifts it.
LADLE_THROTTLE = {
    "comments": 4,
    "stories": 2,
    "window_minutes": 10,
    "first_lock_minutes": 2,
    "suspend_at_minutes": 300,
}
LADLE_SIGNUPS_PER_IP_PER_DAY = int(os.environ.get("LADLE_SIGNUPS_PER_IP_PER_DAY", "2"))
# Failed log-ins allowed in LADLE_LOGIN_WINDOW_MINUTES, per address and per name tried.
LADLE_LOGIN_FAILURES_PER_IP = 20
LADLE_LOGIN_FAILURES_PER_NAME = 5
LADLE_LOGIN_WINDOW_MINUTES = 15
# Members in their first days may put only this many links in a comment.
LADLE_NEW_MEMBER_DAYS = 7
LADLE_NEW_MEMBER_LINKS = 2
# Comments without an account (docs/rules.md, *Anonymous posting*): what new sections take
# ("off", "held" for a moderator, "open"), and how many an address may post in an hour.
LADLE_GUEST_COMMENTS = "off"
LADLE_GUEST_COMMENTS_PER_HOUR = 3
LADLE_GUEST_LINKS = 1

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    # Ladle's own news (a scheduled job ran) goes to the log too.
    "loggers": {"ladle": {"handlers": ["console"], "level": "INFO", "propagate": False}},
}
