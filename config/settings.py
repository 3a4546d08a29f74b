"""Settings for the judicial training platform: one module, driven by environment variables.

With nothing set, the site runs on the embedded default: SQLite, Celery tasks executed eagerly,
e-mail printed to the console. `DJANGO_DEBUG` is off unless asked for, and without it a missing
`DJANGO_SECRET_KEY` stops start-up. Every variable is listed with a comment in `.env.example`.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from config.storage_settings import s3_options_from_env, s3_storages

BASE_DIR = Path(__file__).resolve().parent.parent
SITE_DIR = BASE_DIR / "site"

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DJANGO_DEBUG", default=False)

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. In production mode (DJANGO_DEBUG off) the site refuses "
            "to start without it: set DJANGO_SECRET_KEY to a long random value "
            "(python -c 'import secrets; print(secrets.token_urlsafe(50))')."
        )
    SECRET_KEY = "insecure-development-key-used-only-with-DJANGO_DEBUG"

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
# A form refused for its security token gets a page that says how to go on (config/errors.py).
CSRF_FAILURE_VIEW = "config.errors.csrf_failure"

INSTALLED_APPS = [
    "people",
    "courses",
    "assessments",
    "certificates",
    "wagtail_localize",
    "wagtail_localize.locales",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "people.wagtail_apps.PeopleUsersAppConfig",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "csp",
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
    "config.middleware.ServedByMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "config.middleware.PermissionsPolicyMiddleware",
    "config.middleware.ContentSecurityPolicyMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "config.middleware.HttpCachingMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.middleware.FrenchFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "people.middleware.RequireMFAMiddleware",
    "people.middleware.AdminModelAccessMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]
# `make bench` only: each response says the CPU time and SQL queries it cost
# (config/bench_timing.py).
if env.bool("DJANGO_BENCH_TIMING", default=False):
    MIDDLEWARE.insert(0, "config.bench_timing.BenchTimingMiddleware")

# Several app servers behind one proxy: each names itself in an `X-Served-By` header (empty: none).
SERVED_BY = env.str("DJANGO_SERVED_BY", default="")

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [SITE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "wagtail.contrib.settings.context_processors.settings",
                "config.pwa.offline_settings",
            ],
        },
    },
]

# --- Data ------------------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several threads (runserver, tests with a live server) share the file: wait, don't fail.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
else:
    # Production (gunicorn workers) keeps connections for a minute, checked before reuse.
    # Development does not: runserver serves each request in a new thread that never closes its
    # connection, and with a max age they pile up until PostgreSQL refuses new clients.
    DATABASES["default"]["CONN_MAX_AGE"] = env.int(
        "DATABASE_CONN_MAX_AGE", default=0 if DEBUG else 60
    )
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
# Redis: Django's backend with one client per connection pool (config/cache.py says why).
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    CACHES["default"]["BACKEND"] = "config.cache.RedisCache"

AUTH_USER_MODEL = "people.User"
# Django's and allauth's, loading the person with their roles in one query (people/backends.py).
AUTHENTICATION_BACKENDS = [
    "people.backends.ModelBackend",
    "people.backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Languages: French first -----------------------------------------------------------------
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français"), ("en", "English")]
LOCALE_PATHS = [SITE_DIR / "locale"]
TIME_ZONE = "Africa/Bamako"
USE_I18N = True
USE_TZ = True
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES

# --- Static files and media ------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [SITE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / "media")
# Private files (certificate PDFs, register exports): outside MEDIA_ROOT, no URL, served only by
# views that check who asks (config/private_files.py). The proxy must never serve this folder.
PRIVATE_MEDIA_ROOT = env.path("DJANGO_PRIVATE_MEDIA_ROOT", default=BASE_DIR / "private")
# Behind nginx: the `internal` location that maps to PRIVATE_MEDIA_ROOT (e.g. /protected/); the
# views then answer with X-Accel-Redirect instead of streaming the file. Empty: Django streams it.
PRIVATE_MEDIA_ACCEL_REDIRECT = env.str("DJANGO_PRIVATE_MEDIA_ACCEL_REDIRECT", default="")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "config.private_files.PrivateFileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None},
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Object storage (S3-compatible: SeaweedFS, MinIO, AWS…) when STORAGE_URL or the AWS_* variables
# name the buckets: public media in one, private files in another that nobody reads
# anonymously (config/storage.py). Several app servers then share the same files.
S3_STORAGE = s3_options_from_env(env)
if S3_STORAGE:
    STORAGES.update(s3_storages(S3_STORAGE))
# Documents are sent by Wagtail's view (it checks a private collection's viewers), wherever
# their file is; never a redirect to the file's address.
WAGTAILDOCS_SERVE_METHOD = "serve_view"
# The app servers behind the proxy, host:port each (e.g. 10.0.0.11:8000,10.0.0.12:8000): with
# more than one, `check --deploy` warns about what one server keeps to itself (local-disk
# media, a cache in its memory, SQLite).
APP_SERVERS = env.list("APP_SERVERS", default=[])
# Where `manage.py backup` makes its dated folders (config/backup.py); another disk or machine.
BACKUP_ROOT = env.path("BACKUP_ROOT", default=BASE_DIR / "backups")
WHITENOISE_MAX_AGE = 31536000 if not DEBUG else 0

# --- Mail --------------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Formation traite <formation@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Celery ------------------------------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL) or None
# No broker: run tasks in the calling process, so one command shows the whole product.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
# A task whose worker process died (killed, out of memory) goes back to the queue instead of
# being acknowledged as failed: every task is safe to run twice.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# A message taken by a worker that vanished whole (machine lost, SIGKILL of the worker) is
# handed out again after this many seconds (Redis transport). Longer than the longest task (an
# export of the whole register: well under a minute), or a slow task would run twice at once.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=600),
}
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE: dict = {
    # Certificates: expiry reminders (one per threshold, safe to run twice) and the PDFs that a
    # killed worker left unrendered.
    "certificates-expiry-reminders": {
        "task": "certificates.send_expiry_reminders",
        "schedule": 6 * 3600,
    },
    "certificates-missing-pdfs": {
        "task": "certificates.sweep_missing_pdfs",
        "schedule": env.int("CERTIFICATE_PDF_SWEEP_SECONDS", default=600),
    },
    # Register exports whose worker died are marked failed (the person is asked to try again).
    "register-stalled-exports": {
        "task": "certificates.fail_stalled_register_exports",
        "schedule": 600,
    },
    # The committee's dashboard computed after a change of the facts it counts (within a
    # minute; cheap when nothing changed): certificates/register/summary.py.
    "register-warm-dashboard": {"task": "certificates.warm_register_dashboard", "schedule": 60},
    # Assignments: learner reminders (7 days, 1 day before, weekly when overdue; one per
    # threshold) every morning, and the managers' weekly digest on Monday mornings.
    "assignment-reminders": {
        "task": "courses.send_assignment_reminders",
        "schedule": crontab(hour=7, minute=0),
    },
    "assignment-manager-digests": {
        "task": "courses.send_manager_digests",
        "schedule": crontab(hour=7, minute=30, day_of_week=1),
    },
}

# --- Wagtail ---------------------------------------------------------------------------------
WAGTAIL_SITE_NAME = "Formation judiciaire — lutte contre la traite"
WAGTAILADMIN_BASE_URL = env.str("WAGTAILADMIN_BASE_URL", default="http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {
    "default": {
        "BACKEND": "wagtail.search.backends.database",
        "SEARCH_CONFIG": "french",
    }
}
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "odt", "xlsx", "ods", "pptx", "mp4", "webm", "mp3"]
# Upload limits of the admin's images and documents (lesson videos are documents). Pixels matter
# more than bytes: a 15 KB PNG can declare 11,000 × 11,000 pixels, and its thumbnail then needs
# ~800 MB of memory. Wagtail refuses what is over with its own French message.
WAGTAILIMAGES_MAX_UPLOAD_SIZE = env.int("UPLOAD_IMAGE_MAX_MB", default=10) * 1024 * 1024
WAGTAILIMAGES_MAX_IMAGE_PIXELS = env.int("UPLOAD_IMAGE_MAX_PIXELS", default=25_000_000)
WAGTAILDOCS_MAX_UPLOAD_SIZE = env.int("UPLOAD_DOCUMENT_MAX_MB", default=50) * 1024 * 1024
# Django's own: uploaded files over 2.5 MB are streamed to a temporary file, not held in memory;
# a request's non-file fields may not exceed 2.5 MB.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = False
# No Gravatar: avatars would be fetched from another host with a hash of each e-mail address.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# Nor the dashboard's check for a new Wagtail release (a request to wagtail.org from the browser).
WAGTAIL_ENABLE_UPDATE_CHECK = False
# No autosave (Wagtail's is on by default, every half second): on a new page it creates the page,
# a hidden draft whose slug then refuses the editor's next attempt; on a page being edited it
# turns an abandoned edit into a draft. Editors save; leaving unsaved changes still asks first.
WAGTAIL_AUTOSAVE_INTERVAL = 0
# Wagtail sends visitors to its sign-in URL, which leads to allauth (people/signin.py), and
# answers 403 to a signed-in person without the admin permission (allauth would loop back).
WAGTAILADMIN_LOGIN_URL = "wagtailadmin_login"
WAGTAIL_FRONTEND_LOGIN_URL = "account_login"
WAGTAIL_PASSWORD_RESET_ENABLED = False
# One way in (people/signin.py): page privacy by a shared password signs nobody in and would be
# a second kind of sign-in; private pages are for signed-in people or groups.
WAGTAIL_PRIVATE_PAGE_OPTIONS = {"SHARED_PASSWORD": False}
WAGTAILDOCS_PRIVATE_COLLECTION_OPTIONS = {"SHARED_PASSWORD": False}

# --- Accounts (django-allauth) -------------------------------------------------------------
SITE_ID = 1
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "my_training"
ACCOUNT_ADAPTER = "people.adapters.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
# Sign-up also asks who the learner is: the full name printed on certificates, the profession,
# optionally the staff number and an institution to join (people/forms.py).
ACCOUNT_FORMS = {"signup": "people.forms.SignupForm"}
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
# Confirming the address (in the browser that signed up or tried to sign in) signs the person
# in; an account with an authenticator is still asked for its code (allauth's next stage).
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_REDIRECT_URL = "home"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Formation traite] "
ACCOUNT_RATE_LIMITS = {
    # allauth's defaults, written out so that they are visibly on.
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "confirm_email": "1/3m/key",
}
# xAPI statements a learner's H5P player may send per minute (assessments/h5p/views.py); the
# bench raises it to measure the intake rather than the limiter.
H5P_STATEMENTS_PER_MINUTE = env.int("H5P_STATEMENTS_PER_MINUTE", default=60)
# Whether anyone may create an account, or only people invited by a manager.
ACCOUNT_ALLOW_SIGNUP = env.bool("ACCOUNT_ALLOW_SIGNUP", default=True)
# Behind N reverse proxies, the client's address is the Nth from the right of X-Forwarded-For:
# rate limits (sign-in, certificate verification) count per client, not per proxy.
# Trusting X-Forwarded-For is safe only if clients cannot reach gunicorn directly: bind it to
# 127.0.0.1 or a unix socket (README, "Running on the real services").
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("ALLAUTH_TRUSTED_PROXY_COUNT", default=0)
# Or a header the proxy overwrites with the client's address (e.g. X-Real-IP); empty = unused.
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env.str("ALLAUTH_TRUSTED_CLIENT_IP_HEADER", default="") or None
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Formation traite Mali"
# The code fields bring up a digit keypad on phones (TOTP and recovery codes are digits).
MFA_FORMS = {
    "authenticate": "people.mfa_forms.AuthenticateForm",
    "reauthenticate": "people.mfa_forms.ReauthenticateForm",
    "activate_totp": "people.mfa_forms.ActivateTOTPForm",
}

# --- Security (production values come from the environment; see .env.example) -----------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=False)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=False)
SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
# Sessions are read from the cache, written through to the database (which keeps them when the
# cache is emptied): a signed-in page view reads no session row.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Pages that must be framed by our own pages (previews, the H5P player) say so per view.
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy on every response (django-csp): our own origin only, no inline script,
# no CDN. A view that sets its own header keeps it (the H5P player's stricter ones). Framing is
# left to X-Frame-Options: a frame-ancestors directive would override its per-view DENY.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:"],
        "media-src": ["'self'", "blob:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-src": ["'self'"],
        "worker-src": ["'self'"],
        "manifest-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
    }
}
# The Wagtail admin's widgets (choosers, date pickers, inline panels) and wagtail-localize still
# write inline scripts and styles: under /admin/ only, and still no other host and no eval.
CONTENT_SECURITY_POLICY_ADMIN_UPDATE = {
    "script-src": ["'unsafe-inline'"],
    "style-src": ["'unsafe-inline'"],
}
# Browser features no page of the site uses, refused to every page and frame.
PERMISSIONS_POLICY = {
    feature: []
    for feature in [
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    ]
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="WARNING")},
    # Django's messages (« Not Found: … », the reloader) at its usual INFO level, printed once
    # by the root's handler: Django's own development handler would print each line twice.
    "loggers": {"django": {"handlers": [], "level": "INFO"}},
}


LANGUAGE_COOKIE_AGE = 365 * 24 * 3600

# --- Offline (installable site, service worker, module downloads; config/pwa.py) -------------
# The kill switch: off, the site serves a service worker that removes itself and its caches,
# and every page unregisters any worker it finds. Pages work the same, online only.
OFFLINE_ENABLED = env.bool("DJANGO_OFFLINE_ENABLED", default=True)
# The release the worker's caches are named after (a new one replaces the old caches). Empty:
# a digest of the worker's code and of the static files it keeps, computed at start.
OFFLINE_RELEASE = env.str("DJANGO_RELEASE", default="")
# A module download leaves out documents and videos larger than this (the learner sees which).
OFFLINE_DOCUMENT_MAX_MB = env.float("OFFLINE_DOCUMENT_MAX_MB", default=5)
