"""Django settings of the iectox web application (`DJANGO_SETTINGS_MODULE=iectox.web.settings`).

Everything that differs between a laptop and a hospital comes from the environment (`iectox.web.environment`,
docs/web.md). `IECTOX_PRODUCTION=1` gives the settings of Django's deployment checklist (`check --deploy` is
clean): HTTPS only (behind a reverse proxy that terminates TLS and sets `X-Forwarded-Proto`), secure cookies,
HSTS. Without it the application serves plain HTTP on the loopback for a demonstration or a test, with the same
login, roles, CSRF protection, session expiry and security headers.
"""

from __future__ import annotations

import os
from datetime import timedelta

from iectox.web.environment import database, flag, listed, secret_key, var_folder

VAR = var_folder()
PRODUCTION = flag("IECTOX_PRODUCTION")
DEBUG = flag("IECTOX_DEBUG") and not PRODUCTION
SECRET_KEY = secret_key(VAR)
ALLOWED_HOSTS = listed("IECTOX_ALLOWED_HOSTS", ("127.0.0.1", "localhost", "[::1]"))
CSRF_TRUSTED_ORIGINS = listed("IECTOX_TRUSTED_ORIGINS", ())

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "simple_history",
    "axes",
    "iectox.web",
    "iectox.web.accounts",
    "iectox.web.registry",
    "iectox.web.pharmacy",
    "iectox.web.quality",
    "iectox.web.transfer",
    "iectox.web.bedside",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "iectox.web.middleware.UserLanguage",
    "iectox.web.middleware.PrivatePages",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]
ROOT_URLCONF = "iectox.web.urls"
WSGI_APPLICATION = "iectox.web.wsgi.application"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "iectox.web.context.page",
            ],
            "builtins": ["iectox.web.templatetags.iectox"],
        },
    }
]

DATABASES = {"default": database(os.environ.get("DATABASE_URL"), VAR)}
if DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
    # A PostgreSQL connection (a server process, a SCRAM exchange) costs about 15 ms: each of the server's
    # threads keeps its own for a while instead of opening one per request, checked before it is reused.
    DATABASES["default"].update(CONN_MAX_AGE=300, CONN_HEALTH_CHECKS=True)
# The hospital's management pathway (a TOML file, docs/management_audit.md); iectox's default pathway without it.
IECTOX_PATHWAY = os.environ.get("IECTOX_PATHWAY") or None
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Where a new dashboard is computed (iectox.web.quality.dashboard): "worker" (a process of its own, which
# `iectox serve` starts and sets), "background" (a thread of each server process), "inline" (in the request).
IECTOX_DASHBOARD_REFRESH = os.environ.get("IECTOX_DASHBOARD_REFRESH", "background")

# Accounts: one user model with a role, a language and centres; Argon2 first; throttled logins.
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("IECTOX_LOGIN_ATTEMPTS", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("IECTOX_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]  # a ward behind one address is not locked out whole
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

# Sessions end after IECTOX_SESSION_MINUTES without a request (30 by default), and with the browser.
SESSION_COOKIE_AGE = 60 * int(os.environ.get("IECTOX_SESSION_MINUTES", "30"))
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "iectox.web.views.csrf_refused"

# Security headers (always) and HTTPS (in production).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_SSL_REDIRECT = PRODUCTION
SECURE_HSTS_SECONDS = 31_536_000 if PRODUCTION else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_HSTS_PRELOAD = PRODUCTION
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Languages: each user's own (iectox.i18n catalogs); English before login unless the browser asks French.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("fr", "Français")]
USE_I18N = True
# Times of the audit trail are instants (stored in UTC, shown in TIME_ZONE); the dataset's times are wall-clock
# times of the ward, stored as written (iectox.web.registry.fields.WallClockField).
USE_TZ = True
TIME_ZONE = os.environ.get("IECTOX_TIME_ZONE", "Europe/Paris")

STATIC_URL = "static/"
WHITENOISE_USE_FINDERS = True  # the few static files are served from the package itself, no collectstatic
WHITENOISE_AUTOREFRESH = DEBUG

# Nothing but the pseudonymous code is ever in a URL, and request logs hold no form data.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "django": {"handlers": ["console"], "level": "WARNING"},
        "axes": {"handlers": ["console"], "level": "WARNING"},
    },
}
