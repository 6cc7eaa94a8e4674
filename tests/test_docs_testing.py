"""The examples of ``docs/testing.rst``, which includes them from here between the markers
(``# [name]`` and ``# [end-name]``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from django.contrib.auth.models import User
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpRequest, HttpResponse
from django.test import TestCase

from django_iron_session.testing import SessionSavingClient, edit_session

if TYPE_CHECKING:
    from django.test import Client, RequestFactory


# [edit-session]
@pytest.mark.django_db
def test_a_logged_in_user_with_a_cart(client: Client) -> None:
    client.force_login(User.objects.create_user("ada"))

    with edit_session(client) as session:
        session["cart"] = ["apple", "bread"]

    assert client.get("/whoami/").content == b"ada"
    assert client.get("/session/").json()["cart"] == ["apple", "bread"]


# [end-edit-session]


# [saving-client]
class CartTests(TestCase):
    client_class = SessionSavingClient

    def test_the_cart_as_djangos_docs_fill_it(self) -> None:
        session = self.client.session
        session["cart"] = ["apple"]
        session.save()

        response = self.client.get("/session/")

        assert response.json() == {"cart": ["apple"]}


# [end-saving-client]


# [fixture]
@pytest.fixture
def session_client() -> SessionSavingClient:
    return SessionSavingClient()


def test_djangos_pattern_with_the_fixture(session_client: SessionSavingClient) -> None:
    session = session_client.session
    session["cart"] = ["dates"]
    session.save()

    assert session_client.get("/session/").json() == {"cart": ["dates"]}


# [end-fixture]


# [request-factory]
def cart_size(request: HttpRequest) -> HttpResponse:
    return HttpResponse(str(len(request.session.get("cart", []))))


def test_a_view_called_with_request_factory(rf: RequestFactory) -> None:
    request = rf.get("/cart/size/")
    middleware = SessionMiddleware(cart_size)
    middleware.process_request(request)  # request.session, from the request's cookie
    request.session["cart"] = ["apple", "bread"]

    response = middleware.process_response(request, cart_size(request))

    assert response.content == b"2"
    assert response.cookies["sessionid"].value.startswith("Fe26.2*")


# [end-request-factory]
