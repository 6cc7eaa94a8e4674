"""The docs' Node and Next.js page shows the code the end-to-end tests run."""

from __future__ import annotations

import os
import re
import subprocess
import textwrap

import pytest

from testing.components import require_executable
from testing.paths import NODE_APP, REPO_DIR
from tests.e2e.nextjs_app import HELPER, HELPER_JS, NEXTJS_DIR

NODE_PAGE = REPO_DIR / "docs" / "nextjs.rst"


def javascript_blocks(text: str) -> list[str]:
    blocks = []
    for after in text.split(".. code-block:: javascript\n\n")[1:]:
        lines = []
        for line in after.splitlines():
            if line and not line.startswith("    "):
                break
            lines.append(line)
        blocks.append(textwrap.dedent("\n".join(lines)).strip())
    return blocks


def test_the_page_includes_the_helper_and_the_next_apps_own_files() -> None:
    included = re.findall(r"^\.\. literalinclude:: \.\./(\S+)$", NODE_PAGE.read_text(), re.M)
    paths = [REPO_DIR / path for path in included]

    assert paths[0] == HELPER
    assert all(path.is_relative_to(NEXTJS_DIR) and path.is_file() for path in paths[1:])
    assert {path.relative_to(NEXTJS_DIR).parts[0] for path in paths[1:]} == {
        "src",
        "src-next15",
        "src-next16",
    }


def test_the_node_example_is_what_the_node_app_does() -> None:
    (block,) = javascript_blocks(NODE_PAGE.read_text(encoding="utf-8"))
    node_app = NODE_APP.read_text(encoding="utf-8")
    helper = HELPER.read_text(encoding="utf-8")
    imported = re.search(r"import \{ (.*) \} from \"\./django-session\.mjs\"", block)
    assert imported is not None

    for call in (
        "getIronSession(req, res, sessionOptions())",
        "saveHonouringDjangoExpiry(session)",
    ):
        assert call in block
        assert call in node_app
    for name in imported[1].split(", "):
        assert re.search(rf"^export (async )?function {name}\(", helper, re.M), name


@pytest.mark.interop
def test_without_a_password_the_helper_says_which_variables_to_set() -> None:
    node = require_executable("node")
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in {"IRON_SESSION_PASSWORD", "IRON_SESSION_KEYRING_FILE"}
    }
    script = f"(await import({str(HELPER_JS)!r})).sessionOptions()"

    result = subprocess.run(
        [node, "--input-type=module", "-e", script],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO_DIR,
        timeout=60,
    )

    message = "set IRON_SESSION_PASSWORD or IRON_SESSION_KEYRING_FILE to the Django site's password"
    assert result.returncode != 0
    assert f"Error: {message}" in result.stderr
    assert message in " ".join(NODE_PAGE.read_text(encoding="utf-8").split())
