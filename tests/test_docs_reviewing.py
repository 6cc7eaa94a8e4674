"""docs/reviewing.rst stays true: the files it lists exist within the sizes it states, and
the tests it names as holding each invariant exist."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import django_iron_session

ROOT = Path(__file__).resolve().parents[1]
#: where the package's files are read: the installed wheel's under `make dist`, whose sdist
#: tests run without the package's sources beside them
PACKAGE_ROOT = Path(django_iron_session.__file__).resolve().parents[1]
PAGE = (ROOT / "docs" / "reviewing.rst").read_text(encoding="utf-8")

#: a row of the files table: the path, then its size in lines
FILE_ROW = re.compile(r"^   \* - ``([\w/.-]+)``\n     - (\d+)$", re.MULTILINE)
#: a test named as ``tests/...py::test_name``
NAMED_TEST = re.compile(r"``(tests/[\w/]+\.py)::(test_\w+)``")


def test_every_listed_file_exists_within_its_stated_size() -> None:
    rows = FILE_ROW.findall(PAGE)
    assert len(rows) >= 10, "the files table was not found"
    for path, lines in rows:
        root = PACKAGE_ROOT if path.startswith("django_iron_session/") else ROOT
        text = (root / path).read_text(encoding="utf-8")
        assert len(text.splitlines()) <= int(lines), f"{path} is over {lines} lines"


def test_the_files_of_the_cookie_path_are_all_listed() -> None:
    listed = {path for path, _ in FILE_ROW.findall(PAGE)}
    for module in ("iron", "iron_session", "session_cookie", "backend", "revocation", "migration"):
        assert f"django_iron_session/{module}.py" in listed


def test_every_named_test_exists() -> None:
    named = NAMED_TEST.findall(PAGE)
    assert len(named) >= 30, "the named tests were not found"
    for path, name in set(named):
        tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
        defined = {
            node.name
            for node in ast.walk(tree)
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        }
        assert name in defined, f"{path} has no {name}"
