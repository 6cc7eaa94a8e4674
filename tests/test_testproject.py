"""The demo site in testproject/, through Django's test client and as its own processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import User
from django.contrib.sessions.serializers import JSONSerializer
from django.core import signing
from django.core.exceptions import ImproperlyConfigured
from django.test import AsyncClient, Client
from django.utils.html import escape

from django_iron_session import iron, revocation
from django_iron_session.backend import SessionStore
from django_iron_session.iron_session import seal_data, unseal_data
from testproject import settings as site_settings
from testproject import views
from testproject.cookie_parts import read_without_key, signed_cookie, take_apart
from testproject.environment import (
    DEVELOPMENT_ONLY_PASSWORD,
    caches,
    env_bool,
    env_int,
    env_list,
    env_samesite,
    iron_session,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from django.http import HttpResponseBase
    from pytest_django.fixtures import Settings

PROJECT_DIR = Path(site_settings.__file__).resolve().parent.parent
COOKIE = site_settings.SESSION_COOKIE_NAME
PASSWORD = "a-long-enough-user-password-42"

# What makes tests.settings serve the demo site instead of the test URLs.
_SITE_SETTINGS = (
    "ROOT_URLCONF",
    "MIDDLEWARE",
    "TEMPLATES",
    "LOGIN_URL",
    "LOGIN_REDIRECT_URL",
    "LOGOUT_REDIRECT_URL",
    "IRON_SESSION",
    "SESSION_COOKIE_NAME",
    "SESSION_COOKIE_AGE",
)


@pytest.fixture(autouse=True)
def _demo_site(settings: Settings, db: None) -> None:
    for name in _SITE_SETTINGS:
        setattr(settings, name, getattr(site_settings, name))
    # The real hasher takes a second per log-in; it is not what these tests are about.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def session_facts(client: Client) -> dict[str, Any]:
    response = client.get("/session.json")
    assert response.status_code == 200
    facts: dict[str, Any] = response.json()
    return facts


def sign_up(client: Client, username: str = "ada") -> HttpResponseBase:
    return client.post(
        "/signup/", {"username": username, "password1": PASSWORD, "password2": PASSWORD}
    )


def test_signing_up_creates_the_user_and_logs_them_in(client: Client) -> None:
    response = sign_up(client)

    assert response.status_code == 302
    assert response["Location"] == "/"
    user = User.objects.get(username="ada")
    assert session_facts(client)["user_id"] == user.pk


def test_the_session_cookie_is_an_iron_session_seal_with_nothing_in_clear(
    client: Client,
) -> None:
    sign_up(client, username="visible-name")
    client.post("/counter/")

    value = client.cookies[COOKIE].value
    assert value.startswith("Fe26.2*")
    assert value.endswith("~2")
    assert "visible-name" not in value
    assert "counter" not in value
    assert "_auth_user_id" not in value


@pytest.mark.parametrize("path", ["/signup/", "/login/"])
def test_the_forms_render_with_a_csrf_token(client: Client, path: str) -> None:
    response = client.get(path)

    assert response.status_code == 200
    assert b'name="csrfmiddlewaretoken"' in response.content
    assert b'name="username"' in response.content


def test_a_refused_sign_up_shows_the_form_again(client: Client) -> None:
    response = client.post(
        "/signup/", {"username": "ada", "password1": PASSWORD, "password2": "something else"}
    )

    assert response.status_code == 200
    assert b'class="errorlist' in response.content
    assert not User.objects.exists()
    assert session_facts(client)["user_id"] is None


def test_logging_in_with_the_right_password(client: Client) -> None:
    user = User.objects.create_user("ada", password=PASSWORD)

    response = client.post("/login/", {"username": "ada", "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert session_facts(client)["user_id"] == user.pk


def test_logging_in_with_a_wrong_password_is_refused(client: Client) -> None:
    User.objects.create_user("ada", password=PASSWORD)

    response = client.post("/login/", {"username": "ada", "password": "not-the-password"})

    assert response.status_code == 200
    assert session_facts(client)["user_id"] is None


def test_logging_out_deletes_the_cookie(client: Client) -> None:
    sign_up(client)

    response = client.post("/logout/")

    assert response.status_code == 302
    deleted = response.cookies[COOKIE]
    assert deleted.value == ""
    assert deleted["max-age"] == 0
    assert session_facts(client) == {
        "session": {},
        "user_id": None,
        "cookie_bytes": 0,
        "expiry_age": site_settings.SESSION_COOKIE_AGE,
        "expire_at_browser_close": False,
    }


@pytest.mark.parametrize("path", ["/logout/", "/counter/", "/expiry/"])
def test_state_changes_need_a_post(client: Client, path: str) -> None:
    assert client.get(path).status_code == 405


@pytest.mark.parametrize("path", ["/logout/", "/counter/", "/expiry/", "/signup/", "/login/"])
def test_posts_without_a_csrf_token_are_refused(path: str) -> None:
    assert Client(enforce_csrf_checks=True).post(path, {"expiry": "30"}).status_code == 403


def test_the_counter_counts_each_post(client: Client) -> None:
    for _ in range(3):
        response = client.post("/counter/")
        assert response.status_code == 302

    assert session_facts(client)["session"] == {"counter": 3}


def test_the_cart_keeps_what_is_added(client: Client) -> None:
    for item in ("apple", "dates", "apple"):
        assert client.post("/cart/", {"item": item}).status_code == 302

    assert session_facts(client)["session"] == {"cart": ["apple", "dates", "apple"]}
    assert 'id="cart">apple, dates, apple<' in client.get("/").content.decode()


def test_the_cart_refuses_what_it_does_not_offer(client: Client) -> None:
    assert client.post("/cart/", {"item": "caviar"}).status_code == 400
    assert session_facts(client)["session"] == {}


def test_the_session_page_shows_the_session_and_the_cookie_size(client: Client) -> None:
    client.post("/counter/")
    sent = f"{COOKIE}={client.cookies[COOKIE].value}"

    response = client.get("/")

    assert response.status_code == 200
    page = response.content.decode()
    assert '<pre id="session">{\n  &quot;counter&quot;: 1\n}</pre>' in page
    assert f'<strong id="cookie-bytes">{len(sent.encode())}</strong>' in page
    assert session_facts(client)["cookie_bytes"] == len(sent.encode())


def test_the_session_page_shows_who_is_logged_in(client: Client) -> None:
    sign_up(client)

    page = client.get("/").content.decode()

    user = User.objects.get(username="ada")
    assert f'<strong id="user-id">{user.pk}</strong>' in page
    assert "Logged in as ada" in page


def test_expiry_in_seconds_is_the_cookies_max_age(client: Client) -> None:
    response = client.post("/expiry/", {"expiry": "30"})

    assert response.status_code == 302
    assert response.cookies[COOKIE]["max-age"] == 30
    facts = session_facts(client)
    assert facts["expiry_age"] == 30
    assert facts["expire_at_browser_close"] is False


def test_expiry_at_browser_close_sets_a_cookie_without_max_age(client: Client) -> None:
    response = client.post("/expiry/", {"expiry": "browser"})

    cookie = response.cookies[COOKIE]
    assert cookie["max-age"] == ""
    assert cookie["expires"] == ""
    assert session_facts(client)["expire_at_browser_close"] is True


def test_the_longest_expiry_is_a_year_and_a_day(client: Client) -> None:
    response = client.post("/expiry/", {"expiry": "31622400"})

    assert response.cookies[COOKIE]["max-age"] == 31622400


def test_default_expiry_goes_back_to_session_cookie_age(client: Client) -> None:
    client.post("/expiry/", {"expiry": "30"})

    response = client.post("/expiry/", {"expiry": "default"})

    assert response.cookies[COOKIE]["max-age"] == site_settings.SESSION_COOKIE_AGE
    assert session_facts(client)["expiry_age"] == site_settings.SESSION_COOKIE_AGE


@pytest.mark.parametrize("choice", ["", "0", "-5", "soon", "٣", "31622401", "9" * 30])
def test_an_unknown_expiry_is_a_bad_request(client: Client, choice: str) -> None:
    assert client.post("/expiry/", {"expiry": choice}).status_code == 400


def test_a_tampered_cookie_gives_a_logged_out_page_not_an_error(client: Client) -> None:
    sign_up(client)
    value = client.cookies[COOKIE].value
    flipped = value[:40] + ("A" if value[40] != "A" else "B") + value[41:]
    client.cookies[COOKIE] = flipped

    response = client.get("/")

    assert response.status_code == 200
    assert "Not logged in." in response.content.decode()


def test_without_a_session_the_page_takes_an_example_cookie_apart(client: Client) -> None:
    response = client.get("/")
    page = response.content.decode()

    assert '<strong id="countdown">no session</strong>' in page
    assert 'href="/session.json"' in page
    assert COOKIE not in response.cookies
    # The cookie a first "Add one" would give, taken apart and sealed with a password that is
    # not the site's: it opens nowhere.
    assert 'id="example-note"' in page
    seal = response.context["seal"]
    assert [part.name for part in seal.parts][:2] == ["prefix", "password id"]
    assert f"<code>{seal.parts[4].value}</code>" in page
    example = "*".join(part.value for part in seal.parts[:-1]) + "~2"
    with pytest.raises(iron.IronError):
        unseal_data(example, site_settings.IRON_SESSION["PASSWORD"])
    sealed_for = seal.expires_ms / 1000 - time.time()
    assert site_settings.SESSION_COOKIE_AGE - 60 < sealed_for <= site_settings.SESSION_COOKIE_AGE
    # And what signed_cookies would show of the same session.
    assert json.loads(response.context["signed_cookie_read"]) == {"counter": 1}
    assert 'id="signed-cookie-read"' in page


def test_with_a_session_the_page_shows_no_example(client: Client) -> None:
    client.post("/counter/")

    page = client.get("/").content.decode()

    assert 'id="example-note"' not in page
    assert "The cookie your browser holds" in page


def test_the_session_page_takes_the_cookie_apart(client: Client) -> None:
    sign_up(client)
    cookie = client.cookies[COOKIE].value

    response = client.get("/")

    seal = response.context["seal"]
    names = [part.name for part in seal.parts]
    assert names == [
        "prefix",
        "password id",
        "encryption salt",
        "IV",
        "ciphertext",
        "expiry",
        "HMAC salt",
        "HMAC",
        "marker",
    ]
    assert "*".join(part.value for part in seal.parts[:-1]) + "~2" == cookie
    assert seal.parts[1].value == "1"
    sealed_for = seal.expires_ms / 1000 - time.time()
    assert site_settings.SESSION_COOKIE_AGE - 60 < sealed_for <= site_settings.SESSION_COOKIE_AGE
    page = response.content.decode()
    assert f'data-expires-ms="{seal.expires_ms}"' in page
    assert f"<code>{seal.parts[4].value}</code>" in page


def test_the_session_page_shows_what_signed_cookies_would_give_away(client: Client) -> None:
    sign_up(client, username="grace")
    client.post("/counter/")
    user = User.objects.get(username="grace")

    context = client.get("/").context

    session = session_facts(client)["session"]
    # The real signed_cookies engine opens the demo's cookie for the same session...
    assert (
        signing.loads(
            context["signed_cookie"],
            salt="django.contrib.sessions.backends.signed_cookies",
            serializer=JSONSerializer,
        )
        == session
    )
    # ...and anyone reads it without the key.
    assert json.loads(context["signed_cookie_read"]) == session
    assert f'"_auth_user_id":"{user.pk}"' in context["signed_cookie_read"]


def test_a_signed_cookie_is_read_without_key_compressed_or_not() -> None:
    small = {"a": 1}
    large = {"viewed": ["product-1234"] * 100}

    assert read_without_key(signed_cookie(small)) == '{"a":1}'
    assert signed_cookie(large).startswith(".")  # zlib was shorter
    assert json.loads(read_without_key(signed_cookie(large))) == large


@pytest.mark.parametrize(
    "cookie",
    ["", "not-a-seal", "Fe26.1*1*a*b*c*1*d*e~2", "Fe26.2*1*a*b*c*soon*d*e~2", "Fe26.2*1*a*b*c*1*d"],
)
def test_only_seals_are_taken_apart(cookie: str) -> None:
    assert take_apart(cookie) is None


def test_a_seal_without_expiry_or_marker_is_taken_apart() -> None:
    seal = take_apart(iron.seal({"a": 1}, "x" * 32))

    assert seal is not None
    assert seal.expires_ms is None
    assert seal.parts[-1].name == "HMAC"
    assert "never expires" in seal.parts[5].meaning


@pytest.mark.parametrize(
    ("path", "purpose"), [("/login/", "LOGIN_PAGE"), ("/signup/", "SIGNUP_PAGE")]
)
def test_the_form_pages_say_what_they_demonstrate(client: Client, path: str, purpose: str) -> None:
    page = client.get(path).content.decode()

    assert escape(getattr(views, purpose)["purpose"]) in page


def test_the_session_page_links_to_the_node_app_when_there_is_one(
    client: Client, settings: Settings
) -> None:
    assert 'id="node-link"' not in client.get("/").content.decode()

    settings.DEMO_NODE_URL = "http://127.0.0.1:8001/"

    assert '<a href="http://127.0.0.1:8001/" id="node-link">' in client.get("/").content.decode()


@pytest.mark.parametrize(
    ("value", "expected"),
    [("1", True), ("TRUE", True), ("on", True), ("0", False), ("no", False), ("", False)],
)
def test_env_bool_reads_the_usual_spellings(value: str, expected: bool) -> None:
    assert env_bool({"FLAG": value}, "FLAG", default=not expected) is expected


def test_env_bool_refuses_anything_else() -> None:
    with pytest.raises(ImproperlyConfigured, match="FLAG must be true or false"):
        env_bool({"FLAG": "maybe"}, "FLAG", default=False)


def test_unset_variables_give_the_defaults() -> None:
    assert env_bool({}, "FLAG", default=True) is True
    assert env_int({}, "AGE", 7) == 7
    assert env_list({}, "HOSTS", ["a"]) == ["a"]
    assert env_samesite({}, "SAMESITE", "Strict") == "Strict"


def test_env_int() -> None:
    assert env_int({"AGE": "30"}, "AGE", 7) == 30
    with pytest.raises(ImproperlyConfigured, match="AGE must be an integer"):
        env_int({"AGE": "thirty"}, "AGE", 7)


def test_env_list_splits_on_commas() -> None:
    assert env_list({"HOSTS": " a.test, ,b.test "}, "HOSTS", []) == ["a.test", "b.test"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [("lax", "Lax"), ("Strict", "Strict"), ("None", "None"), ("false", False)],
)
def test_env_samesite(value: str, expected: str | bool) -> None:
    assert env_samesite({"SAMESITE": value}, "SAMESITE", "Lax") == expected


def test_env_samesite_refuses_anything_else() -> None:
    with pytest.raises(ImproperlyConfigured, match="SAMESITE must be Lax, Strict, None or False"):
        env_samesite({"SAMESITE": "sometimes"}, "SAMESITE", "Lax")


def test_iron_session_without_a_password_uses_the_development_one() -> None:
    assert iron_session({}) == {"PASSWORD": DEVELOPMENT_ONLY_PASSWORD}


def test_iron_session_takes_a_plain_password() -> None:
    password = "p" * 32
    assert iron_session({"IRON_SESSION_PASSWORD": password}) == {"PASSWORD": password}


def test_iron_session_takes_the_json_map_iron_session_takes() -> None:
    passwords = {"1": "a" * 32, "2": "b" * 32}

    assert iron_session({"IRON_SESSION_PASSWORD": json.dumps(passwords)}) == {"PASSWORD": passwords}


def test_iron_session_refuses_broken_json_without_repeating_it() -> None:
    with pytest.raises(ImproperlyConfigured) as raised:
        iron_session({"IRON_SESSION_PASSWORD": '{"1": "secret-part'})

    assert "secret-part" not in str(raised.value)


def test_a_keyring_file_wins_over_a_password() -> None:
    environ = {"IRON_SESSION_KEYRING_FILE": "/etc/site/keyring.json", "IRON_SESSION_PASSWORD": "x"}

    assert iron_session(environ) == {"KEYRING_FILE": "/etc/site/keyring.json"}


def test_a_redis_url_turns_revocation_on() -> None:
    environ = {"IRON_SESSION_PASSWORD": "p" * 32, "REVOCATION_REDIS_URL": "redis://127.0.0.1:1/0"}

    assert iron_session(environ) == {"PASSWORD": "p" * 32, "REVOCATION_CACHE": "revocation"}
    assert caches(environ)["revocation"] == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
    }


def test_without_a_redis_url_there_is_no_revocation_cache() -> None:
    assert set(caches({})) == {"default"}
    assert "REVOCATION_CACHE" not in iron_session({})


def _site_environment(**variables: str) -> dict[str, str]:
    """The environment of a demo process: its own settings module, never the tests'."""
    environ = {
        name: value for name, value in os.environ.items() if name != "DJANGO_SETTINGS_MODULE"
    }
    return {**environ, **variables}


def test_manage_py_checks_and_migrates_the_database_it_is_given(tmp_path: Path) -> None:
    database = tmp_path / "site.sqlite3"
    # DEBUG: without a password of its own the demo uses its public one (see the next test).
    environ = _site_environment(DATABASE_PATH=str(database), DEBUG="true")
    manage = [sys.executable, str(PROJECT_DIR / "manage.py")]

    checked = subprocess.run(
        [*manage, "check", "--fail-level", "WARNING"],
        env=environ,
        capture_output=True,
        text=True,
        check=False,
    )
    migrated = subprocess.run(
        [*manage, "migrate", "--no-input"], env=environ, capture_output=True, text=True, check=False
    )

    assert checked.returncode == 0, checked.stderr
    assert migrated.returncode == 0, migrated.stderr
    assert "Applying auth.0001_initial... OK" in migrated.stdout
    assert database.stat().st_size > 0


def test_the_demo_with_its_public_password_fails_its_checks_outside_debug(
    tmp_path: Path,
) -> None:
    environ = _site_environment(DATABASE_PATH=str(tmp_path / "site.sqlite3"), DEBUG="false")

    checked = subprocess.run(
        [sys.executable, str(PROJECT_DIR / "manage.py"), "check"],
        env=environ,
        capture_output=True,
        text=True,
        check=False,
    )

    assert checked.returncode == 1
    assert "django_iron_session.E009" in checked.stderr


_WSGI_REQUEST = """
import json, sys
from wsgiref.util import setup_testing_defaults
from testproject.wsgi import application

environ = {"PATH_INFO": "/session.json", "HTTP_HOST": "127.0.0.1", "HTTP_COOKIE": sys.argv[1]}
setup_testing_defaults(environ)
statuses = []
body = b"".join(application(environ, lambda status, headers: statuses.append(status)))
json.dump({"status": statuses[0], "body": json.loads(body)}, sys.stdout)
"""


def test_the_wsgi_application_serves_the_site_with_the_password_from_the_environment(
    tmp_path: Path,
) -> None:
    passwords = {"3": "c" * 32}
    environ = _site_environment(
        IRON_SESSION_PASSWORD=json.dumps(passwords),
        DATABASE_PATH=str(tmp_path / "unused.sqlite3"),
    )
    cookie = f"sessionid={seal_data({'counter': 5}, passwords, ttl=60)}"

    served = subprocess.run(
        [sys.executable, "-c", _WSGI_REQUEST, cookie],
        cwd=PROJECT_DIR,
        env=environ,
        capture_output=True,
        text=True,
        check=False,
    )

    assert served.returncode == 0, served.stderr
    assert json.loads(served.stdout) == {
        "status": "200 OK",
        "body": {
            "session": {"counter": 5},
            "user_id": None,
            "cookie_bytes": len(cookie),
            "expiry_age": 1209600,
            "expire_at_browser_close": False,
        },
    }


# --- under ASGI: the async twins and the WebSocket ------------------------------------------


def async_session_facts(client: AsyncClient) -> dict[str, Any]:
    response = async_to_sync(client.get)("/session.json")
    assert response.status_code == 200
    facts: dict[str, Any] = response.json()
    return facts


def test_under_asgi_the_pages_use_the_async_views_and_the_websocket(client: Client) -> None:
    asgi_page = async_to_sync(AsyncClient().get)("/").content.decode()
    wsgi_page = client.get("/").content.decode()

    assert 'action="/async/counter/"' in asgi_page
    assert 'href="/async/login/"' in asgi_page
    assert '<pre id="websocket">' in asgi_page
    assert 'action="/counter/"' in wsgi_page
    assert 'href="/login/"' in wsgi_page
    assert "WebSocket(" not in wsgi_page


def test_the_async_counter_counts_each_post() -> None:
    client = AsyncClient()
    for _ in range(3):
        response = async_to_sync(client.post)("/async/counter/")
        assert response.status_code == 302

    assert async_session_facts(client)["session"] == {"counter": 3}


def test_async_log_in_and_log_out() -> None:
    user = User.objects.create_user("ada", password=PASSWORD)
    client = AsyncClient()
    post = async_to_sync(client.post)

    refused = post("/async/login/", {"username": "ada", "password": "not-the-password"})
    assert refused.status_code == 200
    assert b'class="errorlist' in refused.content
    assert async_session_facts(client)["user_id"] is None

    logged_in = post("/async/login/", {"username": "ada", "password": PASSWORD})
    assert logged_in.status_code == 302
    assert logged_in["Location"] == "/"
    assert async_session_facts(client)["user_id"] == user.pk
    assert b"Logged in as ada" in async_to_sync(client.get)("/async/login/").content

    logged_out = post("/async/logout/")
    assert logged_out.status_code == 302
    assert logged_out.cookies[COOKIE].value == ""
    assert async_session_facts(client)["user_id"] is None


def test_with_revocation_the_async_views_use_the_caches_async_api(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.CACHES = {
        "revocation": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "async-views",
        }
    }
    settings.IRON_SESSION = {**site_settings.IRON_SESSION, "REVOCATION_CACHE": "revocation"}

    def sync_api(*args: object, **kwargs: object) -> None:
        raise AssertionError("the sync revocation API was used")

    for name in ("check", "revoke"):
        monkeypatch.setattr(revocation, name, sync_api)
    User.objects.create_user("ada", password=PASSWORD)
    client = AsyncClient()
    post = async_to_sync(client.post)
    assert post("/async/login/", {"username": "ada", "password": PASSWORD}).status_code == 302
    assert post("/async/counter/").status_code == 302
    copy = client.cookies[COOKIE].value

    assert post("/async/logout/").status_code == 302

    assert async_to_sync(SessionStore(copy).aload)() == {}  # revoked


@pytest.mark.parametrize("path", ["/async/logout/", "/async/counter/"])
def test_async_state_changes_need_a_post(path: str) -> None:
    assert async_to_sync(AsyncClient().get)(path).status_code == 405


@pytest.mark.parametrize("path", ["/async/logout/", "/async/counter/", "/async/login/"])
def test_async_posts_without_a_csrf_token_are_refused(path: str) -> None:
    assert async_to_sync(AsyncClient(enforce_csrf_checks=True).post)(path).status_code == 403


def websocket_message(cookie: str | None, origin: str = "http://127.0.0.1") -> Any:
    """What the demo site's ``/ws/session/`` sends first to a handshake with ``cookie``."""
    from testproject.asgi import application  # sets Django up, as a server does

    async def scenario() -> Any:
        headers = [(b"origin", origin.encode())]
        if cookie is not None:
            headers.append((b"cookie", f"{COOKIE}={cookie}".encode()))
        communicator = WebsocketCommunicator(application, "/ws/session/", headers=headers)
        try:
            connected, _ = await communicator.connect()
            return await communicator.receive_json_from() if connected else "refused"
        finally:
            await communicator.disconnect()

    return async_to_sync(scenario)()


def test_the_websocket_says_who_is_logged_in_and_the_sessions_keys(client: Client) -> None:
    sign_up(client)
    client.post("/counter/")

    assert websocket_message(client.cookies[COOKIE].value) == {
        "user": "ada",
        "keys": ["_auth_user_backend", "_auth_user_hash", "_auth_user_id", "counter"],
    }


def test_the_websocket_without_a_cookie() -> None:
    assert websocket_message(None) == {"user": None, "keys": []}


def test_the_websocket_refuses_another_sites_page(client: Client) -> None:
    # A page elsewhere could otherwise open the socket with this site's cookie.
    sign_up(client)

    assert websocket_message(client.cookies[COOKIE].value, "http://evil.test") == "refused"


def _tampered(value: str) -> str:
    return value[:40] + ("A" if value[40] != "A" else "B") + value[41:]


def _expired(value: str) -> str:
    data = unseal_data(value, site_settings.IRON_SESSION["PASSWORD"])
    return seal_data(data, site_settings.IRON_SESSION["PASSWORD"], ttl=60, now=1e9)


def _another_sites(value: str) -> str:
    data = unseal_data(value, site_settings.IRON_SESSION["PASSWORD"])
    return seal_data(data, "another-sites-password-of-32-characters-or-more")  # id 1 too


def _another_engines(value: str) -> str:
    return "eyJhIjoxfQ:1tXyZ0:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"  # signed_cookies' shape


@pytest.mark.parametrize(
    ("spoil", "log_line"),
    [
        (_tampered, "Session cookie rejected: invalid ("),
        (_expired, "Session cookie rejected: expired"),
        (_another_sites, "Session cookie rejected: invalid ("),
        (_another_engines, "Session cookie rejected: invalid (not an Iron seal)"),
    ],
)
def test_a_spoiled_cookie_gives_the_websocket_an_empty_session_and_one_log_line(
    client: Client,
    log_everything: pytest.LogCaptureFixture,
    spoil: Callable[[str], str],
    log_line: str,
) -> None:
    sign_up(client)
    cookie = spoil(client.cookies[COOKIE].value)
    log_everything.clear()

    assert websocket_message(cookie) == {"user": None, "keys": []}

    messages = [record.getMessage() for record in log_everything.records]
    assert len(messages) == 1
    assert messages[0].startswith(log_line)
    assert cookie not in log_everything.text
