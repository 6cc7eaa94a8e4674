from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from django_iron_session import chunks
from django_iron_session.conf import get_config
from testing.constants import PASSWORD

if TYPE_CHECKING:
    from pytest_django import Settings


def test_the_plain_cookie_wins_over_chunks() -> None:
    cookies = {"s": "whole", "s.0": "ch", "s.1": "unks"}

    assert chunks.read(cookies, "s") == "whole"


def test_chunks_are_joined_in_order_up_to_the_first_missing_one() -> None:
    assert chunks.read({"s.1": "b", "s.0": "a", "s.3": "d"}, "s") == "ab"


def test_at_most_four_chunks_are_read() -> None:
    cookies = {f"s.{index}": str(index) for index in range(6)}

    assert chunks.read(cookies, "s") == "0123"


@pytest.mark.parametrize("cookies", [{}, {"s": ""}, {"s": "", "s.0": ""}, {"s.1": "b"}])
def test_no_cookie_or_empty_ones_mean_no_session(cookies: dict[str, str]) -> None:
    assert chunks.read(cookies, "s") is None


def test_an_empty_plain_cookie_falls_back_to_the_chunks() -> None:
    assert chunks.read({"s": "", "s.0": "a"}, "s") == "a"


def test_stored_names_are_the_non_empty_cookies_of_both_layouts() -> None:
    cookies = {"s": "x", "s.0": "", "s.2": "y", "s.4": "z", "other": "w"}

    assert list(chunks.stored_names(cookies, "s")) == ["s", "s.2"]


def test_split_cuts_every_size_characters() -> None:
    assert chunks.split("abcdefg", 3) == ["abc", "def", "g"]
    assert chunks.split("abcdef", 3) == ["abc", "def"]


def test_the_budget_is_what_a_chunk_cookie_leaves_of_the_limit() -> None:
    config = get_config()
    max_age = 1209600

    budget = chunks.budget(config, max_age)

    assert budget + config.set_cookie_size("", max_age) + len(".0") == 4096


def test_fits_needs_chunking_on_and_at_most_four_chunks(settings: Settings) -> None:
    budget = chunks.budget(get_config(), None)
    assert not chunks.fits(get_config(), "x" * 10, None)

    settings.IRON_SESSION = {"PASSWORD": PASSWORD, "CHUNKED": True}
    config = get_config()

    assert chunks.fits(config, "x" * budget * 4, None)
    assert not chunks.fits(config, "x" * (budget * 4 + 1), None)


def test_nothing_fits_when_the_attributes_alone_fill_the_limit(settings: Settings) -> None:
    settings.IRON_SESSION = {"PASSWORD": PASSWORD, "CHUNKED": True, "COOKIE_SIZE_LIMIT": 20}

    assert not chunks.fits(get_config(), "x", None)
