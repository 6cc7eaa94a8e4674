"""testing/components.py: what a test needing more than Python must say, and how it fails."""

from __future__ import annotations

import pytest

from testing import components


def test_a_test_without_a_marker_fails_when_it_asks_for_a_component(
    request: pytest.FixtureRequest,
) -> None:
    assert components.unmarked_test == request.node.nodeid

    with pytest.raises(pytest.fail.Exception, match="needs redis-server: mark it browser or"):
        components.require(True, "redis-server")


def test_a_test_with_a_marker_may_ask_for_a_component(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(components, "unmarked_test", components.unmarked_test)  # restored
    request.node.add_marker(pytest.mark.server)

    components.starting(request.node)

    assert components.unmarked_test is None
    components.require(True, "redis-server")


@pytest.mark.parametrize(
    ("ci", "outcome"),
    [
        ("", pytest.skip.Exception),
        ("false", pytest.skip.Exception),
        ("true", pytest.fail.Exception),
        ("1", pytest.fail.Exception),
    ],
)
def test_a_missing_component_skips_outside_ci_and_fails_on_ci(
    monkeypatch: pytest.MonkeyPatch, ci: str, outcome: type[BaseException]
) -> None:
    monkeypatch.setenv("CI", ci)
    monkeypatch.setattr(components, "unmarked_test", None)

    with pytest.raises(outcome, match=r"^redis-server is missing"):
        components.require(False, "redis-server")
