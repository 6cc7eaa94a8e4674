"""The demo site's settings; each one a test or a server may change is an environment variable.

IRON_SESSION_PASSWORD           one password, or a JSON map of ids to passwords
IRON_SESSION_KEYRING_FILE       a keyring file (``iron_rotate_password``); wins over the above
REVOCATION_REDIS_URL            redis://host:port/db: log-out revokes the session's every copy
SESSION_COOKIE_AGE              seconds (default 1209600, two weeks)
SESSION_COOKIE_SECURE           true / false (default false, so plain http works locally)
SESSION_COOKIE_SAMESITE         Lax / Strict / None / False (default Lax)
SESSION_COOKIE_NAME             default "sessionid"
DJANGO_SECRET_KEY               signs CSRF tokens and the session's auth hash
DEBUG                           true / false (default false)
ALLOWED_HOSTS                   comma-separated (default 127.0.0.1,localhost)
DATABASE_PATH                   the SQLite file (default testproject/db.sqlite3)
DEMO_NODE_URL                   the Node app sharing the session, linked from the session page
                                (``make demo-node`` sets it)
"""

from __future__ import annotations

import os
from pathlib import Path

from testproject.environment import (
    caches,
    env_bool,
    env_int,
    env_list,
    env_samesite,
    iron_session,
)

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent

# Development only, like the default session password (see environment.py).
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "development-only-secret-key-DO-NOT-USE")
DEBUG = env_bool(os.environ, "DEBUG", default=False)
ALLOWED_HOSTS = env_list(os.environ, "ALLOWED_HOSTS", ["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django_iron_session",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "testproject.urls"
WSGI_APPLICATION = "testproject.wsgi.application"
ASGI_APPLICATION = "testproject.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "testproject.context_processors.served_by",
            ],
        },
    }
]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("DATABASE_PATH", str(PROJECT_DIR / "db.sqlite3")),
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
CACHES = caches(os.environ)

SESSION_ENGINE = "django_iron_session.backend"
SESSION_SERIALIZER = "django.contrib.sessions.serializers.JSONSerializer"
IRON_SESSION = iron_session(os.environ)
SESSION_COOKIE_AGE = env_int(os.environ, "SESSION_COOKIE_AGE", 1209600)
SESSION_COOKIE_SECURE = env_bool(os.environ, "SESSION_COOKIE_SECURE", default=False)
SESSION_COOKIE_SAMESITE = env_samesite(os.environ, "SESSION_COOKIE_SAMESITE", "Lax")
SESSION_COOKIE_NAME = os.environ.get("SESSION_COOKIE_NAME", "sessionid")

DEMO_NODE_URL = os.environ.get("DEMO_NODE_URL", "")

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "session"
LOGOUT_REDIRECT_URL = "session"

USE_TZ = True
TIME_ZONE = "UTC"

# One line per rejected cookie (expired, tampered, unknown password) on the server's console.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "django_iron_session": {"handlers": ["console"], "level": "INFO"},
        "django.security": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
