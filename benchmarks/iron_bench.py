"""Seal and unseal speed of django_iron_session.iron, side by side with its alternatives.

Run from the repository root: ``.venv/bin/python benchmarks/iron_bench.py [--quick]``.
Prints one table per session size (a typical ~250-byte Django session and a 3 KB one):
operations per second for this package (``seal_data``/``unseal_data`` with a Keyring, as
the session engine calls them), the "floor" (the same primitives called with nothing else),
Django's ``signed_cookies`` encoding (``signing.dumps``/``loads`` with its salt, JSON and
``compress=True``), and, through benchmarks/iron_bench.mjs, @hapi/iron 7 and iron-session 9
in Node. Then the issue's targets and where the time of one typical seal/unseal goes.
"""

from __future__ import annotations

import argparse
import binascii
import hashlib
import hmac
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

# Run as a script from the repository root: testing/ is next to benchmarks/.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import cryptography
import django
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings

from django_iron_session import iron, iron_session

if TYPE_CHECKING:
    from collections.abc import Callable

HERE = Path(__file__).resolve().parent

PASSWORD = "bench-password-bench-password-bench-password"
TTL = iron_session.DEFAULT_SESSION_TTL
DJANGO_SALT = "django.contrib.sessions.backends.signed_cookies"

OURS = "django-iron-session"
FLOOR = "floor (primitives only)"
DJANGO = "Django signing (signed_cookies)"
HAPI = "@hapi/iron 7"
SESSION9 = "iron-session 9"

TYPICAL: dict[str, Any] = {
    "_auth_user_id": "42",
    "_auth_user_backend": "django.contrib.auth.backends.ModelBackend",
    "_auth_user_hash": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    "cart": [1017, 1023, 1042],
    "theme": "dark",
    "last_seen": 1732665600,
}
BIG: dict[str, Any] = {
    **TYPICAL,
    "recently_viewed": [
        {"id": 5000 + n, "name": f"Product number {n}", "price": "19.99", "qty": n % 4}
        for n in range(44)
    ],
}
PAYLOADS = {"typical": TYPICAL, "3 KB": BIG}


def ops_per_second(operation: Callable[[], object], seconds: float) -> float:
    """One sample: as many calls as fit in ``seconds`` of this process's CPU time.

    CPU time, not wall time: other processes on a busy machine would otherwise decide
    the figures. Node's side counts its process's CPU time the same way.
    """
    count = 0
    started = time.process_time()
    deadline = started + seconds
    while time.process_time() < deadline:
        for _ in range(100):
            operation()
        count += 100
    return count / (time.process_time() - started)


def best_of(
    candidates: dict[str, Callable[[], object]], seconds: float, samples: int
) -> dict[str, float]:
    """Best sample of each, taken in turns so that a busy moment does not hit one alone."""
    best = dict.fromkeys(candidates, 0.0)
    for _ in range(samples):
        for name, operation in candidates.items():
            best[name] = max(best[name], ops_per_second(operation, seconds))
    return best


# The floor: what one seal_data/unseal_data must do at the least, written out with nothing
# around it (keys for unsealing as remembered, like the package's cache).
_encode = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode
_decode = json.JSONDecoder().decode
_SECRET = PASSWORD.encode()


_TO_BASE64URL = bytes.maketrans(b"+/", b"-_")
_FROM_BASE64URL = bytes.maketrans(b"-_", b"+/")


def _b64(raw: bytes) -> str:
    return binascii.b2a_base64(raw, newline=False).translate(_TO_BASE64URL).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return binascii.a2b_base64(text.encode().translate(_FROM_BASE64URL) + b"==")


def floor_seal(data: Any) -> str:
    plaintext = _encode(data).encode()
    plaintext += bytes((16 - len(plaintext) % 16,)) * (16 - len(plaintext) % 16)
    random = os.urandom(80)
    encryption_salt, iv, integrity_salt = random[:32].hex(), random[32:48], random[48:].hex()
    key = hashlib.pbkdf2_hmac("sha1", _SECRET, encryption_salt.encode(), 1, 32)
    encryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    ciphertext = encryptor.update(plaintext) + encryptor.finalize()
    expiration = str(round(time.time() * 1000) + TTL * 1000)
    mac_base = f"Fe26.2*1*{encryption_salt}*{_b64(iv)}*{_b64(ciphertext)}*{expiration}"
    integrity_key = hashlib.pbkdf2_hmac("sha1", _SECRET, integrity_salt.encode(), 1, 32)
    digest = _b64(hmac.digest(integrity_key, mac_base.encode(), "sha256"))
    return f"{mac_base}*{integrity_salt}*{digest}~2"


def floor_unseal(sealed: str, keys: dict[str, bytes]) -> Any:
    parts = sealed[: sealed.index("~")].split("*")
    mac_base = "*".join(parts[:6])
    digest = _b64(hmac.digest(keys[parts[6]], mac_base.encode(), "sha256"))
    if not hmac.compare_digest(digest, parts[7]):
        raise ValueError("bad hmac")
    decryptor = Cipher(algorithms.AES(keys[parts[2]]), modes.CBC(_unb64(parts[3]))).decryptor()
    ciphertext = _unb64(parts[4])
    padded = decryptor.update(ciphertext) + decryptor.finalize()
    return _decode(padded[: -padded[-1]].decode())


def floor_keys(sealed: str) -> dict[str, bytes]:
    parts = sealed.split("*")
    return {
        salt: hashlib.pbkdf2_hmac("sha1", _SECRET, salt.encode(), 1, 32)
        for salt in (parts[2], parts[6])
    }


def primitives(data: Any) -> tuple[Callable[[], object], Callable[[], object]]:
    """The C primitives of one seal and one unseal and nothing else: two PBKDF2-SHA1 key
    derivations, AES-256-CBC over the padded plaintext, HMAC-SHA256 over a seal's length of
    bytes. No JSON, no base64, no random bytes, no parsing: below any correct seal."""
    plaintext = _encode(data).encode()
    padded = plaintext + bytes((16 - len(plaintext) % 16,)) * (16 - len(plaintext) % 16)
    sealed = floor_seal(data)
    mac_base = sealed[: sealed.rindex("*", 0, sealed.rindex("*"))].encode()
    salts = os.urandom(32).hex().encode(), os.urandom(32).hex().encode()
    iv = os.urandom(16)
    ciphertext = Cipher(algorithms.AES(bytes(32)), modes.CBC(iv)).encryptor().update(padded)

    def seal() -> bytes:
        key = hashlib.pbkdf2_hmac("sha1", _SECRET, salts[0], 1, 32)
        encryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
        encryptor.update(padded) + encryptor.finalize()
        integrity_key = hashlib.pbkdf2_hmac("sha1", _SECRET, salts[1], 1, 32)
        return hmac.digest(integrity_key, mac_base, "sha256")

    def unseal() -> bytes:
        integrity_key = hashlib.pbkdf2_hmac("sha1", _SECRET, salts[1], 1, 32)
        hmac.compare_digest(hmac.digest(integrity_key, mac_base, "sha256"), bytes(32))
        key = hashlib.pbkdf2_hmac("sha1", _SECRET, salts[0], 1, 32)
        decryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
        return decryptor.update(ciphertext) + decryptor.finalize()

    return seal, unseal


def python_candidates(data: Any) -> dict[str, dict[str, Callable[[], object]]]:
    from django.core import signing

    keyring = iron_session.as_keyring(PASSWORD)
    sealed = iron_session.seal_data(data, keyring, ttl=TTL)
    signed = signing.dumps(data, salt=DJANGO_SALT, serializer=signing.JSONSerializer, compress=True)
    floor_sealed = floor_seal(data)
    keys = floor_keys(floor_sealed)
    assert iron_session.unseal_data(sealed, keyring) == data
    assert iron_session.unseal_data(floor_sealed, keyring) == data
    assert floor_unseal(sealed, floor_keys(sealed)) == data
    return {
        "seal": {
            OURS: lambda: iron_session.seal_data(data, keyring, ttl=TTL),
            FLOOR: lambda: floor_seal(data),
            DJANGO: lambda: signing.dumps(
                data, salt=DJANGO_SALT, serializer=signing.JSONSerializer, compress=True
            ),
        },
        "unseal": {
            OURS: lambda: iron_session.unseal_data(sealed, keyring),
            FLOOR: lambda: floor_unseal(floor_sealed, keys),
            DJANGO: lambda: signing.loads(
                signed, salt=DJANGO_SALT, serializer=signing.JSONSerializer, max_age=TTL
            ),
        },
    }


def node_results(
    seconds: float,
    samples: int,
    payloads: dict[str, Any] = PAYLOADS,
    password: str = PASSWORD,
) -> dict[str, Any]:
    node = shutil.which("node")
    if node is None:
        sys.exit("node is not on PATH; the Node half of the benchmark needs it")
    request = {
        "password": password,
        "ttl": TTL,
        "seconds": seconds,
        "samples": samples,
        "payloads": payloads,
    }
    completed = subprocess.run(
        [node, str(HERE / "iron_bench.mjs")],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode:
        sys.exit(f"iron_bench.mjs failed (run npm ci in tests/interop):\n{completed.stderr}")
    answer: dict[str, Any] = json.loads(completed.stdout)
    return answer


def breakdown(seconds: float, samples: int) -> list[tuple[str, float, float]]:
    """Microseconds that each step of one typical seal and unseal takes, timed alone."""
    plaintext = _encode(TYPICAL).encode()
    padded = plaintext + bytes((16 - len(plaintext) % 16,)) * (16 - len(plaintext) % 16)
    salt = os.urandom(32).hex()
    # The engine's own steps where it has its own: the password's kept HMAC-SHA1 states for
    # the keys, hashlib's SHA-256 for the MAC (see docs/performance.rst).
    secret = iron.Password(PASSWORD)._integrity
    key = secret.key(salt, 1, 32)
    iv = os.urandom(16)
    encryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    ciphertext = encryptor.update(padded) + encryptor.finalize()
    encoded_iv, encoded = _b64(iv), _b64(ciphertext)
    mac_base = f"Fe26.2*1*{salt}*{encoded_iv}*{encoded}*1795000000000"

    def derive_two_keys() -> object:
        return [secret.key(salt, 1, 32) for _ in "ei"]

    def encrypt() -> bytes:
        context = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
        return context.update(padded) + context.finalize()

    def decrypt() -> bytes:
        context = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
        return context.update(ciphertext) + context.finalize()

    steps: list[tuple[str, Callable[[], object] | None, Callable[[], object] | None]] = [
        ("JSON", lambda: _encode(TYPICAL).encode(), lambda: _decode(plaintext.decode())),
        ("random bytes (one call) + hex", lambda: os.urandom(80).hex(), None),
        ("key derivation (PBKDF2-SHA1 x2)", derive_two_keys, derive_two_keys),
        ("AES-256-CBC (cipher object + data)", encrypt, decrypt),
        ("HMAC-SHA256 + its base64url", lambda: iron._hmac(key, mac_base), None),
        (
            "base64url (IV, ciphertext)",
            lambda: (_b64(iv), _b64(ciphertext)),
            lambda: (_unb64(encoded_iv), _unb64(encoded)),
        ),
    ]
    rows = []
    for name, seal_step, unseal_step in steps:
        timed = {
            operation: step
            for operation, step in (("seal", seal_step), ("unseal", unseal_step))
            if step is not None
        }
        best = best_of(timed, seconds, samples)
        micros = {operation: 1e6 / ops for operation, ops in best.items()}
        if name.startswith("HMAC"):
            micros["unseal"] = micros["seal"]
        rows.append((name, micros["seal"], micros.get("unseal", 0.0)))
    return rows


SHIPPED = "as shipped"
SHIPPED_AGAIN = "as shipped, measured again (the noise)"


def library_call_figures(seconds: float, samples: int) -> dict[str, dict[str, float]]:
    """Operations per second of seal_data and unseal_data (typical session) as shipped and
    with each routine of speedups.py replaced by its library call, taking turns."""
    from testing.library_calls import LIBRARY_CALLS, library_calls

    keyring = iron_session.as_keyring(PASSWORD)
    sealed = iron_session.seal_data(TYPICAL, keyring, ttl=TTL)
    operations: dict[str, Callable[[], object]] = {
        "seal": lambda: iron_session.seal_data(TYPICAL, keyring, ttl=TTL),
        "unseal": lambda: iron_session.unseal_data(sealed, keyring),
    }
    variants = {
        SHIPPED: (),
        SHIPPED_AGAIN: (),
        **{routine: (routine,) for routine in LIBRARY_CALLS},
        "every routine by its library call": tuple(LIBRARY_CALLS),
    }
    best = {variant: dict.fromkeys(operations, 0.0) for variant in variants}
    for _ in range(samples):
        for variant, routines in variants.items():
            with library_calls(*routines):
                for operation, call in operations.items():
                    speed = ops_per_second(call, seconds)
                    best[variant][operation] = max(best[variant][operation], speed)
    return best


def print_library_calls(figures: dict[str, dict[str, float]]) -> None:
    print("\ntypical session, µs: each routine of speedups.py replaced by its library call")
    print(f"{'':52} {'seal':>7} {'unseal':>7}   as shipped / this (seal, unseal)")
    shipped = figures[SHIPPED]
    for variant, ops in figures.items():
        print(
            f"{variant:52} {1e6 / ops['seal']:7.2f} {1e6 / ops['unseal']:7.2f}"
            f"   {shipped['seal'] / ops['seal']:5.3f}x {shipped['unseal'] / ops['unseal']:5.3f}x"
        )


def print_table(payload: str, size: int, results: dict[str, dict[str, float]]) -> None:
    print(f"\n{payload} session ({size} bytes of JSON)")
    print(
        f"{'implementation':34} {'seal ops/s':>11} {'µs':>7} {'unseal ops/s':>13} {'µs':>7}"
        f"   {'ours / this (seal, unseal)':>26}"
    )
    ours = results[OURS]
    for name, ops in results.items():
        print(
            f"{name:34} {ops['seal']:11,.0f} {1e6 / ops['seal']:7.1f} {ops['unseal']:13,.0f}"
            f" {1e6 / ops['unseal']:7.1f}   {ours['seal'] / ops['seal']:12.2f}x"
            f" {ours['unseal'] / ops['unseal']:11.2f}x"
        )


def print_wall_clock(ours: dict[str, float], node_wall: dict[str, Any], payload: str) -> None:
    """Node's figures in wall-clock time, which include waiting for libuv's thread pool."""
    for name in (HAPI, SESSION9):
        ops = node_wall[name][payload]
        print(
            f"  {name + ', wall clock':32} {ops['seal']:11,.0f} {1e6 / ops['seal']:7.1f}"
            f" {ops['unseal']:13,.0f} {1e6 / ops['unseal']:7.1f}"
            f"   {ours['seal'] / ops['seal']:12.2f}x {ours['unseal'] / ops['unseal']:11.2f}x"
        )


def print_targets(results: dict[str, dict[str, float]]) -> None:
    ours = results[OURS]
    checks = [
        ("seal >= 8x @hapi/iron", ours["seal"] / results[HAPI]["seal"], 8.0),
        ("unseal >= 8x @hapi/iron", ours["unseal"] / results[HAPI]["unseal"], 8.0),
        ("seal >= 1.2x Django signing", ours["seal"] / results[DJANGO]["seal"], 1.2),
        ("unseal >= 1.0x Django signing", ours["unseal"] / results[DJANGO]["unseal"], 1.0),
        ("seal within 1.3x of the floor", results[FLOOR]["seal"] / ours["seal"], None),
        ("unseal within 1.3x of the floor", results[FLOOR]["unseal"] / ours["unseal"], None),
    ]
    print("\ntargets (typical session)")
    for name, ratio, at_least in checks:
        ok = ratio >= at_least if at_least is not None else ratio <= 1.3
        print(f"  {name:34} {ratio:6.2f}x  {'met' if ok else 'MISSED'}")


def print_breakdown(rows: list[tuple[str, float, float]], ours: dict[str, float]) -> None:
    print("\nwhere the time of one typical seal / unseal goes (each step timed alone, µs)")
    for name, seal_us, unseal_us in rows:
        unseal_text = f"{unseal_us:7.2f}" if unseal_us else "      -"
        print(f"  {name:36} {seal_us:7.2f} {unseal_text}")
    steps = {"seal": sum(row[1] for row in rows), "unseal": sum(row[2] for row in rows)}
    measured = {operation: 1e6 / ops for operation, ops in ours.items()}
    print(f"  {'sum of the steps':36} {steps['seal']:7.2f} {steps['unseal']:7.2f}")
    print(f"  {OURS + ', measured above':36} {measured['seal']:7.2f} {measured['unseal']:7.2f}")
    print(
        f"  {'the rest (calls, checks, strings)':36} {measured['seal'] - steps['seal']:7.2f}"
        f" {measured['unseal'] - steps['unseal']:7.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="shorter samples, rougher figures")
    parser.add_argument(
        "--library-calls",
        action="store_true",
        help="only seal_data/unseal_data with each routine of speedups.py and its library call",
    )
    arguments = parser.parse_args()
    seconds, samples = (0.05, 3) if arguments.quick else (0.15, 5)

    settings.configure(SECRET_KEY=os.urandom(32).hex())
    django.setup()
    if arguments.library_calls:
        print(f"Python {sys.version.split()[0]}; best of {samples} samples, CPU time")
        print_library_calls(library_call_figures(seconds, samples * 2))
        return
    answer = node_results(seconds * 2, max(2, samples // 2))
    versions, node, node_wall = answer["versions"], answer["results"], answer["wall"]
    print(
        f"Python {sys.version.split()[0]}, Django {django.get_version()}, "
        f"cryptography {cryptography.__version__}, Node {versions['node']}, "
        f"@hapi/iron {versions['@hapi/iron']}, iron-session {versions['iron-session']}"
    )
    print(f"best of {samples} samples per figure; operations per second of CPU time, one at a time")
    typical: dict[str, dict[str, float]] = {}
    for payload, data in PAYLOADS.items():
        by_operation = {
            operation: best_of(candidates, seconds, samples)
            for operation, candidates in python_candidates(data).items()
        }
        results = {
            name: {operation: by_operation[operation][name] for operation in by_operation}
            for name in (OURS, FLOOR, DJANGO)
        }
        results[HAPI] = node[HAPI][payload]
        results[SESSION9] = node[SESSION9][payload]
        print_table(payload, len(iron.serialize(data)), results)
        print_wall_clock(results[OURS], node_wall, payload)
        typical = typical or results
    print_targets(typical)
    print_breakdown(breakdown(seconds / 2, 3), typical[OURS])


if __name__ == "__main__":
    main()
