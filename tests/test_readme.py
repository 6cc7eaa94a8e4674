"""The README is the landing page: short, and every relative link in it leads to a file of
the repository, with a link to each page of the documentation."""

from __future__ import annotations

import json
import re

from testing.paths import REPO_DIR

README = (REPO_DIR / "README.rst").read_text(encoding="utf-8")
RELATIVE_LINKS = re.findall(r"`[^`<]*<(?!https?:)([^>]+)>`_", README)


def test_the_readme_is_a_landing_page() -> None:
    assert len(README.splitlines()) <= 250
    quick_start = README.index("make demo")
    assert README.index("make test") < quick_start + 200
    assert len(README[:quick_start].splitlines()) < 25  # on the first screen


def test_every_relative_link_leads_to_a_file() -> None:
    assert RELATIVE_LINKS
    for link in RELATIVE_LINKS:
        assert (REPO_DIR / link).is_file(), link


def test_every_page_of_the_docs_is_linked() -> None:
    # changelog.rst and contributing.rst include files the README links directly.
    included = {"index.rst", "changelog.rst", "contributing.rst"}
    pages = {path.name for path in (REPO_DIR / "docs").glob("*.rst")} - included
    linked = {link.removeprefix("docs/") for link in RELATIVE_LINKS if link.startswith("docs/")}

    assert pages <= linked, sorted(pages - linked)


def npm_packages_installed(directory: str) -> int:
    """The packages ``npm ci`` installs in ``directory`` on Linux x86-64: its lock file's,
    less the optional ones built for other systems."""
    lock = json.loads((REPO_DIR / directory / "package-lock.json").read_text(encoding="utf-8"))

    def fits(package: dict[str, list[str]]) -> bool:
        return all(
            wanted in package.get(field, [wanted])
            for field, wanted in (("os", "linux"), ("cpu", "x64"), ("libc", "glibc"))
        )

    return sum(1 for path, package in lock["packages"].items() if path and fits(package))


def test_the_npm_packages_make_test_installs_are_counted_right() -> None:
    setup = (REPO_DIR / "scripts" / "setup-test-services.sh").read_text(encoding="utf-8")
    commands = setup.replace("\\\n", " ").splitlines()
    (line,) = [line for line in commands if line.startswith("scripts/setup-node")]
    directories = line.split()[1:]
    said = re.search(r"about (\d+)\s+on\s+Linux\s+x86-64", README)

    assert said is not None
    for directory in directories:
        assert directory.rsplit("/", 1)[0] in README, directory
    counted = sum(npm_packages_installed(directory) for directory in directories)
    assert abs(int(said[1]) - counted) <= counted * 0.1, counted
