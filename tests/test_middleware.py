from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from django.http import HttpRequest, HttpResponse, HttpResponseBase

from django_iron_session import iron_session
from django_iron_session.backend import SessionTooLargeError
from django_iron_session.middleware import SessionMiddleware
from testing.constants import NEWER_PASSWORD, PASSWORD
from tests.helpers import FOUR_CHUNKS, TEN_KB, browse, expired, jar, our_ids

if TYPE_CHECKING:
    from django.test import Client
    from pytest_django import Settings

MIDDLEWARE = "django_iron_session.middleware.SessionMiddleware"
DJANGO_MIDDLEWARE = "django.contrib.sessions.middleware.SessionMiddleware"
AUTH_MIDDLEWARE = "django.contrib.auth.middleware.AuthenticationMiddleware"


@pytest.fixture
def chunking(settings: Settings) -> None:
    settings.MIDDLEWARE = [MIDDLEWARE, AUTH_MIDDLEWARE]
    settings.IRON_SESSION = {"PASSWORD": PASSWORD, "CHUNKED": True}


def set_cookie_bytes(response: HttpResponseBase, name: str) -> int:
    return len(response.cookies[name].OutputString().encode())


def written(response: HttpResponseBase) -> set[str]:
    return {name for name, morsel in response.cookies.items() if morsel["max-age"] != 0}


# Each test twice: with every cookie already in the known-cookies table, and with none.
pytestmark = pytest.mark.usefixtures("chunking", "cookie_history")


def test_a_small_session_is_one_plain_cookie(client: Client) -> None:
    response = browse(client, "/session/write/", {"colour": "red"})

    assert written(response) == {"sessionid"}
    assert browse(client, "/session/").json() == {"colour": "red"}


def test_a_10_kb_session_is_written_in_chunks_that_browsers_keep(client: Client) -> None:
    response = browse(client, "/session/write/", {"blob": TEN_KB})

    assert written(response) == FOUR_CHUNKS
    # iron-session 9's rule: every chunk but the last fills the limit exactly.
    assert set_cookie_bytes(response, "sessionid.0") == 4096
    assert set_cookie_bytes(response, "sessionid.1") == 4096
    assert set_cookie_bytes(response, "sessionid.2") == 4096
    assert set_cookie_bytes(response, "sessionid.3") < 4096
    for name in FOUR_CHUNKS:
        morsel = response.cookies[name]
        assert (morsel["path"], morsel["samesite"], morsel["httponly"]) == ("/", "Lax", True)
        assert morsel["max-age"] == 1209600
    seal = "".join(jar(client)[f"sessionid.{index}"] for index in range(4))
    assert iron_session.unseal_data(seal, PASSWORD) == {"blob": TEN_KB}
    assert browse(client, "/session/").json() == {"blob": TEN_KB}


def test_reading_a_chunked_session_writes_nothing(client: Client) -> None:
    browse(client, "/session/write/", {"blob": TEN_KB})

    response = browse(client, "/session/")

    assert response.cookies == {}
    assert response.headers["Vary"] == "Cookie"


def test_growing_past_one_cookie_expires_the_plain_one(client: Client) -> None:
    browse(client, "/session/write/", {"colour": "red"})

    response = browse(client, "/session/write/", {"blob": TEN_KB})

    assert expired(response) == {"sessionid"}
    assert written(response) == FOUR_CHUNKS
    assert browse(client, "/session/").json() == {"colour": "red", "blob": TEN_KB}


def test_shrinking_to_one_cookie_expires_every_chunk(client: Client) -> None:
    browse(client, "/session/write/", {"blob": TEN_KB})

    response = browse(client, "/session/write/", {"blob": "small"})

    assert written(response) == {"sessionid"}
    assert expired(response) == FOUR_CHUNKS
    assert response.headers["Vary"] == "Cookie"
    assert browse(client, "/session/").json() == {"blob": "small"}


def test_shrinking_to_fewer_chunks_expires_the_extra_ones(client: Client) -> None:
    browse(client, "/session/write/", {"blob": TEN_KB})

    response = browse(client, "/session/write/", {"blob": TEN_KB[:5000]})

    assert written(response) == {"sessionid.0", "sessionid.1"}
    assert expired(response) == {"sessionid.2", "sessionid.3"}
    assert browse(client, "/session/").json() == {"blob": TEN_KB[:5000]}


def test_flush_expires_every_chunk(client: Client) -> None:
    browse(client, "/session/write/", {"blob": TEN_KB})

    response = browse(client, "/session/flush/")

    assert expired(response) == FOUR_CHUNKS
    assert response.headers["Vary"] == "Cookie"
    assert jar(client) == {}


def test_a_plain_cookie_next_to_chunks_wins_and_the_chunks_go(client: Client) -> None:
    browse(client, "/session/write/", {"blob": TEN_KB})
    client.cookies["sessionid"] = iron_session.seal_data({"plain": "wins"}, PASSWORD)

    assert browse(client, "/session/").json() == {"plain": "wins"}
    response = browse(client, "/session/write/", {"more": "data"})

    assert written(response) == {"sessionid"}
    assert expired(response) == FOUR_CHUNKS


def test_a_missing_chunk_gives_an_empty_session_and_expires_the_rest(client: Client) -> None:
    browse(client, "/session/write/", {"blob": TEN_KB})
    del client.cookies["sessionid.1"]

    response = browse(client, "/session/")

    assert response.json() == {}
    assert expired(response) == {"sessionid.0", "sessionid.2", "sessionid.3"}


def test_past_four_chunks_the_size_error_stays(client: Client) -> None:
    with pytest.raises(SessionTooLargeError, match="sessionid"):
        client.get("/session/write/", {"blob": TEN_KB * 2})


def test_without_chunked_a_large_session_is_an_error_but_chunks_are_read(
    client: Client, settings: Settings
) -> None:
    browse(client, "/session/write/", {"blob": TEN_KB})
    settings.IRON_SESSION = {"PASSWORD": PASSWORD}

    assert browse(client, "/session/").json() == {"blob": TEN_KB}
    with pytest.raises(SessionTooLargeError):
        client.get("/session/write/", {"more": "data"})
    response = browse(client, "/session/write/", {"blob": "small"})
    assert written(response) == {"sessionid"}
    assert expired(response) == FOUR_CHUNKS


def test_browser_close_chunks_have_no_max_age(client: Client, settings: Settings) -> None:
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True

    response = browse(client, "/session/write/", {"blob": TEN_KB})

    assert written(response) == FOUR_CHUNKS
    assert response.cookies["sessionid.0"]["max-age"] == ""
    assert set_cookie_bytes(response, "sessionid.0") == 4096
    assert browse(client, "/session/").json() == {"blob": TEN_KB}


def test_chunks_under_an_older_password_are_resealed_unread(
    client: Client, settings: Settings
) -> None:
    browse(client, "/session/write/", {"blob": TEN_KB})
    settings.IRON_SESSION = {"PASSWORD": {1: PASSWORD, 2: NEWER_PASSWORD}, "CHUNKED": True}

    response = browse(client, "/session/untouched/")

    assert written(response) == FOUR_CHUNKS
    assert jar(client)["sessionid.0"].startswith("Fe26.2*2*")
    assert browse(client, "/session/").json() == {"blob": TEN_KB}


def test_a_request_without_session_passes_through() -> None:
    middleware = SessionMiddleware(lambda request: HttpResponse())
    response = HttpResponse()

    assert middleware.process_response(HttpRequest(), response) is response


def test_chunking_with_djangos_middleware_is_a_warning(settings: Settings) -> None:
    assert "W010" not in our_ids()

    settings.MIDDLEWARE = [DJANGO_MIDDLEWARE, AUTH_MIDDLEWARE]

    assert "W010" in our_ids()


def test_a_subclass_of_our_middleware_counts_and_broken_paths_are_skipped(
    settings: Settings,
) -> None:
    settings.MIDDLEWARE = ["no.such.Middleware", "tests.test_middleware.OurSubclass"]

    assert "W010" not in our_ids()


class OurSubclass(SessionMiddleware):
    """A project's own subclass of the chunking middleware."""
