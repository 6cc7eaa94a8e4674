"""Chunked session cookies between Django (our middleware, CHUNKED on) and iron-session 9
(``getIronSession`` with ``chunk: true`` over a cookie jar, through driver.mjs), both ways:
each writes, the other reads, shrinks or destroys."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from testing.constants import PASSWORD
from tests.helpers import FOUR_CHUNKS, TEN_KB, browse, jar

if TYPE_CHECKING:
    from django.test import Client
    from pytest_django import Settings

    from .node_driver import NodeDriver

pytestmark = pytest.mark.interop

#: iron-session 9 with Django's cookie name and the test settings' plain-http cookie
NODE_OPTIONS = {"cookieName": "sessionid", "chunk": True, "cookieOptions": {"secure": False}}
NODE_CHUNKS = sorted(FOUR_CHUNKS)  # in the order iron-session writes them


@pytest.fixture(autouse=True)
def chunking(settings: Settings) -> None:
    settings.MIDDLEWARE = [
        "django_iron_session.middleware.SessionMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
    ]
    settings.IRON_SESSION = {"PASSWORD": PASSWORD, "CHUNKED": True}


def in_node(node: NodeDriver, cookies: dict[str, str], **request: Any) -> dict[str, Any]:
    """iron-session 9 on a request with ``cookies``: what it read and what it wrote."""
    response = node.call(
        op="session9_jar", cookies=cookies, password=PASSWORD, options=NODE_OPTIONS, **request
    )
    assert response["ok"], response
    result: dict[str, Any] = response["result"]
    return result


def take(client: Client, writes: list[dict[str, Any]]) -> None:
    """What a browser does with Node's Set-Cookie headers."""
    for cookie in writes:
        if cookie["maxAge"] == 0:
            client.cookies.pop(cookie["name"], None)
        else:
            client.cookies[cookie["name"]] = cookie["value"]


def written(writes: list[dict[str, Any]]) -> list[str]:
    return [cookie["name"] for cookie in writes if cookie["maxAge"] != 0]


def expired(writes: list[dict[str, Any]]) -> list[str]:
    return [cookie["name"] for cookie in writes if cookie["maxAge"] == 0]


def test_a_10_kb_session_written_by_django_is_read_by_iron_session_9(
    node: NodeDriver, client: Client
) -> None:
    browse(client, "/session/write/", {"blob": TEN_KB})
    assert set(jar(client)) == FOUR_CHUNKS

    result = in_node(node, jar(client))

    assert result == {"session": {"blob": TEN_KB}, "writes": []}


def test_a_10_kb_session_written_by_iron_session_9_is_read_by_django(
    node: NodeDriver, client: Client
) -> None:
    result = in_node(node, {}, write={"blob": TEN_KB})
    assert written(result["writes"]) == NODE_CHUNKS

    take(client, result["writes"])

    assert browse(client, "/session/").json() == {"blob": TEN_KB}


def test_iron_session_9_shrinks_a_django_chunked_session_for_django(
    node: NodeDriver, client: Client
) -> None:
    browse(client, "/session/write/", {"blob": TEN_KB})

    result = in_node(node, jar(client), write={"blob": "small"})
    take(client, result["writes"])

    assert written(result["writes"]) == ["sessionid"]
    assert expired(result["writes"]) == NODE_CHUNKS
    assert browse(client, "/session/").json() == {"blob": "small"}


def test_django_shrinks_an_iron_session_9_chunked_session_for_node(
    node: NodeDriver, client: Client
) -> None:
    take(client, in_node(node, {}, write={"blob": TEN_KB})["writes"])

    response = browse(client, "/session/write/", {"blob": "small"})

    assert {name for name, morsel in response.cookies.items() if morsel["max-age"] == 0} == (
        FOUR_CHUNKS
    )
    assert in_node(node, jar(client))["session"] == {"blob": "small"}


def test_iron_session_9_destroy_expires_every_django_chunk(
    node: NodeDriver, client: Client
) -> None:
    browse(client, "/session/write/", {"blob": TEN_KB})

    result = in_node(node, jar(client), destroy=True)
    take(client, result["writes"])

    assert written(result["writes"]) == []
    assert set(expired(result["writes"])) == {"sessionid", *FOUR_CHUNKS}
    assert browse(client, "/session/").json() == {}
