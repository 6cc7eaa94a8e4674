"""Values that tests and benchmarks share, written once."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

#: the Iron password tests/settings.py configures
PASSWORD = "tests-only-password-of-at-least-32-characters"
#: a second one, for rotations
NEWER_PASSWORD = "a-newer-tests-only-password-of-more-than-32-characters"

#: the user the demo site's tests log in as
USERNAME = "alice"
USER_PASSWORD = "correct-horse-battery-staple-42"

# -- Iron ----------------------------------------------------------------------------------

#: the password of upstream Iron's own tests, and of two of the known-answer vectors
PW = "some_not_random_password_that_is_also_long_enough"
OTHER = "another_password_that_is_long_enough_for_iron"
#: key buffers: for AES-256, for AES-128, for the HMAC
KEY32 = bytes(range(32))
KEY16 = bytes(range(100, 116))
HMAC_KEY = bytes(range(200, 232))
#: the clock, in seconds, of seals made at a fixed time
T0 = 1_700_000_000
T0_MS = T0 * 1000

#: the worked example of docs/iron-format.rst: ``{"a": "ü"}`` sealed under PW with id 1, salts
#: "a" * 64 and "b" * 64, an all-zero IV, at T0 with a ttl of 1 s
FORMAT_EXAMPLE = (
    "Fe26.2*1*"
    + "a" * 64
    + "*AAAAAAAAAAAAAAAAAAAAAA*iWso1QJ1UOE8MrtENVM5zg*1700000001000*"
    + "b" * 64
    + "*SL5s3hHtRyobjQUuuNlTI96l1Cu8DEQpG0GYz-LOEeg"
)

#: Known-answer seals copied from the upstream test suites, each with the password, the options
#: and the data it must open to (testing/iron-vectors.json; a vector's ``source`` names its test):
#:
#: * ``hapi-ticket``: "unseals a ticket" in @hapi/iron's test/index.js (github.com/hapijs/iron),
#:   repeated in iron-webcrypto's tests;
#: * ``ctr-ticket``: "unseals a aes-128-ctr ticket" in iron-webcrypto's tests
#:   (github.com/brc-dd/iron-webcrypto);
#: * ``iron-session-v6-cookie``: "should be backwards compatible with older cookie format" in
#:   iron-session's src/index.test.ts (github.com/vvo/iron-session): a next-iron-session
#:   cookie, sealed with ttl 0, without ``~2``.
#:
#: The interop suite opens each with the releases tests/interop/package.json pins (@hapi/iron
#: 7.0.1, iron-webcrypto 1.2.1 and 2.0.0, iron-session 8.0.4 and 9.0.1) as well as with ours.
VECTORS: list[dict[str, Any]] = json.loads(
    (Path(__file__).resolve().parent / "iron-vectors.json").read_text(encoding="utf-8")
)["vectors"]
