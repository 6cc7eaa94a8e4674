"""The packaging metadata agrees with what is tested: classifiers with the tox matrix, the lower
bounds of the dependencies with tox's ``lowest`` environment, ruff's pin with pre-commit's."""

from __future__ import annotations

import configparser
import re
import sys
from pathlib import Path
from typing import Any

from packaging.requirements import Requirement
from packaging.version import Version

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT: dict[str, Any] = tomllib.loads((ROOT / "pyproject.toml").read_text())
TOX = configparser.ConfigParser(interpolation=None)
TOX.read(ROOT / "tox.ini")
LOWEST_CONSTRAINTS = ROOT / "tests" / "lowest-constraints.txt"


def expand_braces(name: str) -> list[str]:
    """tox's generative names: ``py3{10,11}-django52`` is ``py310-django52`` and
    ``py311-django52``."""
    match = re.search(r"\{([^{}]*)\}", name)
    if match is None:
        return [name]
    return [
        expanded
        for choice in match.group(1).split(",")
        for expanded in expand_braces(name[: match.start()] + choice + name[match.end() :])
    ]


def tox_environments() -> list[str]:
    return [env for line in TOX["tox"]["env_list"].split() for env in expand_braces(line.strip())]


def classifiers(prefix: str) -> set[str]:
    """The versions (``3.12``, ``6.0``) that classifiers starting with ``prefix`` name."""
    return {
        classifier.removeprefix(prefix)
        for classifier in PYPROJECT["project"]["classifiers"]
        if re.fullmatch(re.escape(prefix) + r"\d+\.\d+", classifier)
    }


def versions_under_test(factor_prefix: str) -> set[str]:
    """The versions the tox environments' factors name: ``py310`` for ``py`` is ``3.10``,
    ``django52`` for ``django`` is ``5.2``."""
    return {
        f"{digits[0]}.{digits[1:]}"
        for env in tox_environments()
        for factor in env.split("-")
        if re.fullmatch(re.escape(factor_prefix) + r"\d{2,}", factor)
        for digits in [factor.removeprefix(factor_prefix)]
    }


def test_python_classifiers_are_the_tested_pythons() -> None:
    tested = versions_under_test("py")

    assert tested == classifiers("Programming Language :: Python :: ")
    assert f">={min(tested, key=Version)}" == PYPROJECT["project"]["requires-python"]


def test_django_classifiers_are_the_tested_djangos() -> None:
    assert versions_under_test("django") == classifiers("Framework :: Django :: ")


def test_lowest_environment_pins_every_lower_bound() -> None:
    pins = {
        (requirement := Requirement(line)).name.lower(): requirement.specifier
        for line in LOWEST_CONSTRAINTS.read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    lower_bounds = {}
    for line in PYPROJECT["project"]["dependencies"]:
        requirement = Requirement(line)
        (bound,) = [spec for spec in requirement.specifier if spec.operator == ">="]
        lower_bounds[requirement.name.lower()] = Version(bound.version)

    assert (
        TOX["testenv:lowest"]["constraints"]
        == f"{{toxinidir}}/{LOWEST_CONSTRAINTS.relative_to(ROOT)}"
    )
    assert set(pins) == set(lower_bounds)
    for name, specifier in pins.items():
        (pin,) = specifier
        assert pin.operator == "=="
        assert Version(pin.version) == lower_bounds[name], name
    assert (
        TOX["testenv:lowest"]["base_python"]
        == f"python{PYPROJECT['project']['requires-python'][2:]}"
    )


def test_pre_commit_runs_the_ruff_of_the_lint_group() -> None:
    (ruff,) = [
        Requirement(line)
        for line in PYPROJECT["dependency-groups"]["lint"]
        if Requirement(line).name == "ruff"
    ]
    pre_commit = (ROOT / ".pre-commit-config.yaml").read_text()

    assert str(ruff.specifier).startswith("==")
    pinned_there = re.findall(r"\bruff==([\w.]+)", pre_commit)
    assert pinned_there
    assert set(pinned_there) == {str(ruff.specifier).removeprefix("==")}


def test_no_development_tool_is_a_published_extra() -> None:
    published = {
        Requirement(line).name
        for extra in PYPROJECT["project"].get("optional-dependencies", {}).values()
        for line in extra
    }
    development = {
        Requirement(line).name
        for group in PYPROJECT["dependency-groups"].values()
        for line in group
        if isinstance(line, str)
    }

    assert {"pytest", "ruff", "mypy", "tox"} <= development
    assert not published & development
