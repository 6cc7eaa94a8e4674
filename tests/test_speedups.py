"""Each routine of django_iron_session.speedups gives the bytes of the library call it
stands in for (testing/library_calls.py names each), whatever the input."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

import django_iron_session
from django_iron_session import speedups
from testing import library_calls

#: HMAC keys: empty, shorter, as long as and longer than the hash's 64-byte block
hmac_keys = st.binary(max_size=64) | st.binary(min_size=65, max_size=200)


@settings(max_examples=300, deadline=None)
@given(key=hmac_keys, message=st.binary(max_size=1000))
def test_hmac_sha256_is_hmac_digest(key: bytes, message: bytes) -> None:
    assert speedups.hmac_sha256(key, message) == library_calls.hmac_sha256(key, message)


@settings(max_examples=300, deadline=None)
@given(
    password=hmac_keys.filter(bool),
    salt=st.binary(max_size=150),
    iterations=st.integers(min_value=1, max_value=3),
    # one block, the edges of two (Iron's 32 bytes among them), and three, which hashlib makes
    length=st.sampled_from([1, 16, 20, 21, 32, 40, 41]),
)
def test_pbkdf2_hmac_sha1_is_hashlib_pbkdf2_hmac(
    password: bytes, salt: bytes, iterations: int, length: int
) -> None:
    derived = speedups.PBKDF2HMACSHA1(password).derive(salt, iterations, length)
    assert derived == library_calls.pbkdf2_hmac_sha1(password, salt, iterations, length)


def test_the_routines_are_swapped_for_their_library_calls_and_back() -> None:
    password = speedups.PBKDF2HMACSHA1(b"password")
    shipped = speedups.hmac_sha256, speedups.PBKDF2HMACSHA1.derive
    with library_calls.library_calls(*library_calls.LIBRARY_CALLS):
        assert speedups.hmac_sha256 is library_calls.hmac_sha256
        assert password.derive(b"salt", 1, 32) == library_calls.pbkdf2_hmac_sha1(
            b"password", b"salt", 1, 32
        )
    assert (speedups.hmac_sha256, speedups.PBKDF2HMACSHA1.derive) == shipped


def imported_modules(source: Path) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            modules |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            modules.add(node.module)
    return modules


def test_the_package_imports_no_private_module_of_python() -> None:
    """No CPython internals (``_json`` and the like): any Python runs the package as it is."""
    package = Path(django_iron_session.__file__).parent
    imported = {name for source in package.rglob("*.py") for name in imported_modules(source)}
    private = {
        name
        for name in imported
        if name.startswith("_") and name != "__future__" and name in sys.stdlib_module_names
    }
    assert private == set()
