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
import base64
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

import django
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings

from django_iron_session import iron

if TYPE_CHECKING:
    from collections.abc import Callable

HERE = Path(__file__).resolve().parent

PASSWORD = "bench-password-bench-password-bench-password"
TTL = iron.DEFAULT_SESSION_TTL
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


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


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
    iv = base64.urlsafe_b64decode(parts[3] + "==")
    ciphertext = base64.urlsafe_b64decode(parts[4] + "=" * (-len(parts[4]) % 4))
    decryptor = Cipher(algorithms.AES(keys[parts[2]]), modes.CBC(iv)).decryptor()
    padded = decryptor.update(ciphertext) + decryptor.finalize()
    return _decode(padded[: -padded[-1]].decode())


def floor_keys(sealed: str) -> dict[str, bytes]:
    parts = sealed.split("*")
    return {
        salt: hashlib.pbkdf2_hmac("sha1", _SECRET, salt.encode(), 1, 32)
        for salt in (parts[2], parts[6])
    }


def python_candidates(data: Any) -> dict[str, dict[str, Callable[[], object]]]:
    from django.core import signing

    keyring = iron.Keyring.of(PASSWORD)
    sealed = iron.seal_data(data, keyring, ttl=TTL)
    signed = signing.dumps(data, salt=DJANGO_SALT, serializer=signing.JSONSerializer, compress=True)
    floor_sealed = floor_seal(data)
    keys = floor_keys(floor_sealed)
    assert iron.unseal_data(sealed, keyring) == data
    assert iron.unseal_data(floor_sealed, keyring) == data
    assert floor_unseal(sealed, floor_keys(sealed)) == data
    return {
        "seal": {
            OURS: lambda: iron.seal_data(data, keyring, ttl=TTL),
            FLOOR: lambda: floor_seal(data),
            DJANGO: lambda: signing.dumps(
                data, salt=DJANGO_SALT, serializer=signing.JSONSerializer, compress=True
            ),
        },
        "unseal": {
            OURS: lambda: iron.unseal_data(sealed, keyring),
            FLOOR: lambda: floor_unseal(floor_sealed, keys),
            DJANGO: lambda: signing.loads(
                signed, salt=DJANGO_SALT, serializer=signing.JSONSerializer, max_age=TTL
            ),
        },
    }


def node_results(seconds: float, samples: int) -> tuple[dict[str, Any], dict[str, Any]]:
    node = shutil.which("node")
    if node is None:
        sys.exit("node is not on PATH; the Node half of the benchmark needs it")
    request = {
        "password": PASSWORD,
        "ttl": TTL,
        "seconds": seconds,
        "samples": samples,
        "payloads": PAYLOADS,
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
    answer = json.loads(completed.stdout)
    return answer["versions"], answer["results"]


def breakdown(seconds: float, samples: int) -> list[tuple[str, float, float]]:
    """Microseconds that each step of one typical seal and unseal takes, timed alone."""
    plaintext = _encode(TYPICAL).encode()
    padded = plaintext + bytes((16 - len(plaintext) % 16,)) * (16 - len(plaintext) % 16)
    salt = os.urandom(32).hex()
    key = hashlib.pbkdf2_hmac("sha1", _SECRET, salt.encode(), 1, 32)
    iv = os.urandom(16)
    encryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    ciphertext = encryptor.update(padded) + encryptor.finalize()
    encoded_iv, encoded = _b64(iv), _b64(ciphertext)
    mac_base = f"Fe26.2*1*{salt}*{encoded_iv}*{encoded}*1795000000000".encode()
    digest = hmac.digest(key, mac_base, "sha256")

    def derive_two_keys() -> object:
        # Unsealing skips this for a cookie it has seen: the keys are remembered.
        return [hashlib.pbkdf2_hmac("sha1", _SECRET, salt.encode(), 1, 32) for _ in "ei"]

    def encrypt() -> bytes:
        context = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
        return context.update(padded) + context.finalize()

    def decrypt() -> bytes:
        context = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
        return context.update(ciphertext) + context.finalize()

    def decode_b64(text: str) -> bytes:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))

    steps: list[tuple[str, Callable[[], object] | None, Callable[[], object] | None]] = [
        ("JSON", lambda: _encode(TYPICAL).encode(), lambda: _decode(plaintext.decode())),
        ("random bytes (one call) + hex", lambda: os.urandom(80).hex(), None),
        ("key derivation (PBKDF2-SHA1 x2)", derive_two_keys, None),
        ("AES-256-CBC (cipher object + data)", encrypt, decrypt),
        ("HMAC-SHA256", lambda: hmac.digest(key, mac_base, "sha256"), None),
        (
            "base64url (IV, ciphertext, MAC)",
            lambda: (_b64(iv), _b64(ciphertext), _b64(digest)),
            lambda: (decode_b64(encoded_iv), decode_b64(encoded), _b64(digest)),
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


def print_targets(results: dict[str, dict[str, float]]) -> bool:
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
    met = True
    for name, ratio, at_least in checks:
        ok = ratio >= at_least if at_least is not None else ratio <= 1.3
        met = met and ok
        print(f"  {name:34} {ratio:6.2f}x  {'met' if ok else 'MISSED'}")
    return met


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="shorter samples, rougher figures")
    arguments = parser.parse_args()
    seconds, samples = (0.05, 3) if arguments.quick else (0.15, 7)

    settings.configure(SECRET_KEY=os.urandom(32).hex())
    django.setup()
    versions, node = node_results(seconds * 2, max(2, samples // 2))
    print(
        f"Python {sys.version.split()[0]}, Django {django.get_version()}, "
        f"cryptography {cryptography_version()}, Node {versions['node']}, "
        f"@hapi/iron {versions['@hapi/iron']}, iron-session {versions['iron-session']}"
    )
    print(f"best of {samples} samples per figure; operations per second of CPU time, one at a time")
    all_met = True
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
        if payload == "typical":
            all_met = print_targets(results)

    print("\nwhere the time of one typical seal / unseal goes (each step timed alone, µs)")
    rows = breakdown(seconds, samples)
    for name, seal_us, unseal_us in rows:
        unseal_text = f"{unseal_us:7.2f}" if unseal_us else "      -"
        print(f"  {name:36} {seal_us:7.2f} {unseal_text}")
    print(
        f"  {'sum of the steps':36} {sum(row[1] for row in rows):7.2f}"
        f" {sum(row[2] for row in rows):7.2f}"
    )
    sys.exit(0 if all_met else 1)


def cryptography_version() -> str:
    import cryptography

    return cryptography.__version__


if __name__ == "__main__":
    main()
