"""The demo's pages: what the session holds, a counter, a cart, ``set_expiry``, sign-up.

The counter, log-in and log-out have async twins, which the pages use under ASGI: they go
through the async session and auth API (``aget``, ``aset``, ``alogin``, ``auser``,
``alogout``), and with ``REVOCATION_CACHE`` through the cache's async API.
"""

from __future__ import annotations

import json
import secrets
from typing import TYPE_CHECKING, Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.auth import alogin, alogout, login
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from django_iron_session import iron_session
from testproject.cookie_parts import read_without_key, signed_cookie, take_apart

if TYPE_CHECKING:
    from django.contrib.auth.models import User

COUNTER_KEY = "counter"
# What a visitor without a session is shown taken apart: the session a first "Add one" gives.
EXAMPLE_SESSION = {COUNTER_KEY: 1}
CART_KEY = "cart"
#: what the cart offers: the session keeps the names, as a shop keeps product ids
CART_ITEMS = ("apple", "bread", "cheese", "dates")
EXPIRY_CHOICES = {"browser": 0, "default": None}
# Longer than a demo needs, and far from where the cookie's expiry date would overflow.
MAX_EXPIRY_SECONDS = 366 * 24 * 3600

# The form pages: their title, and what they demonstrate.
LOGIN_PAGE = {
    "title": "Log in",
    "purpose": "Logging in puts your user id into the session cookie, encrypted: the server "
    "keeps no session row. The session page then shows that cookie taken apart.",
}
SIGNUP_PAGE = {
    "title": "Sign up",
    "purpose": "Signing up stores a user in the demo's database (the only thing stored there) "
    "and logs you in: the log-in itself lives in the session cookie.",
}


def _session_facts(request: HttpRequest) -> dict[str, Any]:
    session = request.session
    cookie = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    return {
        "session": dict(session.items()),
        "user_id": request.user.pk,
        # What the browser sent on this request, as `name=value` in the Cookie header.
        "cookie_bytes": (len(f"{settings.SESSION_COOKIE_NAME}={cookie}".encode()) if cookie else 0),
        "expiry_age": session.get_expiry_age(),
        "expire_at_browser_close": session.get_expire_at_browser_close(),
    }


def session_page(request: HttpRequest) -> HttpResponse:
    facts = _session_facts(request)
    session = facts["session"]
    if session:
        shown = session
        cookie = request.COOKIES.get(settings.SESSION_COOKIE_NAME, "")
    else:
        # An empty session was not loaded from a cookie (none, or one that did not open), and
        # an empty session is never saved: there is no cookie to take apart. The example is
        # sealed with a throwaway password, so it opens nowhere.
        shown = EXAMPLE_SESSION
        cookie = iron_session.seal_data(
            shown, secrets.token_urlsafe(32), ttl=settings.SESSION_COOKIE_AGE
        )
    signed = signed_cookie(shown)
    return render(
        request,
        "session.html",
        {
            "facts": facts,
            "session_json": json.dumps(session, indent=2, sort_keys=True),
            "cookie_name": settings.SESSION_COOKIE_NAME,
            "seal": take_apart(cookie),
            "example": None if session else json.dumps(shown),
            "signed_cookie": signed,
            "signed_cookie_read": read_without_key(signed),
            "node_url": getattr(settings, "DEMO_NODE_URL", ""),
            "cart_items": CART_ITEMS,
        },
    )


def session_json(request: HttpRequest) -> JsonResponse:
    """For automated tests: the session and the user id."""
    return JsonResponse(_session_facts(request))


@require_POST
def counter(request: HttpRequest) -> HttpResponse:
    request.session[COUNTER_KEY] = request.session.get(COUNTER_KEY, 0) + 1
    return redirect("session")


@require_POST
async def async_counter(request: HttpRequest) -> HttpResponse:
    session = request.session
    await session.aset(COUNTER_KEY, await session.aget(COUNTER_KEY, 0) + 1)
    return redirect("session")


async def async_login(request: HttpRequest) -> HttpResponse:
    """``LoginView``'s job with ``alogin``."""
    form = AuthenticationForm(request, data=request.POST or None)
    # The form's check calls authenticate() and the database, which is sync-only code.
    if request.method == "POST" and await sync_to_async(form.is_valid)():
        await alogin(request, form.get_user())
        return redirect("session")  # LOGIN_REDIRECT_URL
    # The page shows the user: found here with the async API, not by the template.
    context = {"form": form, **LOGIN_PAGE, "user": await request.auser()}
    return render(request, "form.html", context)


@require_POST
async def async_logout(request: HttpRequest) -> HttpResponse:
    """``LogoutView``'s job with ``alogout``: the session's ``aflush`` (and revocation)."""
    await alogout(request)
    return redirect("session")  # LOGOUT_REDIRECT_URL


@require_POST
def cart(request: HttpRequest) -> HttpResponse:
    """Adds ``item``, one of CART_ITEMS, to the session's cart."""
    item = request.POST.get("item", "")
    if item not in CART_ITEMS:
        return HttpResponseBadRequest(f"item must be one of {', '.join(CART_ITEMS)}")
    request.session[CART_KEY] = [*request.session.get(CART_KEY, []), item]
    return redirect("session")


@require_POST
def expiry(request: HttpRequest) -> HttpResponse:
    """``expiry`` is "browser", "default" or a number of seconds."""
    choice = request.POST.get("expiry", "")
    if choice in EXPIRY_CHOICES:
        request.session.set_expiry(EXPIRY_CHOICES[choice])
    elif choice.isascii() and choice.isdigit() and 0 < int(choice) <= MAX_EXPIRY_SECONDS:
        request.session.set_expiry(int(choice))
    else:
        return HttpResponseBadRequest(
            f"expiry must be 'browser', 'default' or 1 to {MAX_EXPIRY_SECONDS} seconds"
        )
    return redirect("session")


def signup(request: HttpRequest) -> HttpResponse:
    form: UserCreationForm[User] = UserCreationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        login(request, form.save())
        return redirect("session")
    return render(request, "form.html", {"form": form, **SIGNUP_PAGE})
