from __future__ import annotations

from testing.constants import PASSWORD

SECRET_KEY = "tests-only-not-a-secret"
DEBUG = False
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
USE_TZ = True

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django_iron_session",
]

DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}

MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]

ROOT_URLCONF = "tests.urls"

SESSION_ENGINE = "django_iron_session.backend"
SESSION_SERIALIZER = "django.contrib.sessions.serializers.JSONSerializer"

IRON_SESSION = {"PASSWORD": PASSWORD}
# The tests' password is published with them: the tests of E009 turn it back on.
SILENCED_SYSTEM_CHECKS = ["django_iron_session.E009"]

DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
