"""The docs' Node and Next.js page shows the code the end-to-end tests run."""

from __future__ import annotations

import os
import re
import subprocess
import textwrap

import pytest

from testing.components import require_executable
from testing.paths import NODE_APP, REPO_DIR
from tests.e2e.nextjs_app import HELPER, HELPER_JS, MIDDLEWARE_FILES, NEXTJS_PAGE, page_files


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


def test_the_page_shows_its_code_in_code_blocks_that_github_renders() -> None:
    # GitHub renders a .rst with docutils, which has no literalinclude and no :caption:.
    text = NEXTJS_PAGE.read_text(encoding="utf-8")

    assert "literalinclude" not in text
    assert ":caption:" not in text
    assert len(re.findall(r"^\.\. code-block:: (typescript|tsx)$", text, re.M)) == len(page_files())


def test_the_page_shows_the_helper_as_it_is() -> None:
    assert page_files()["lib/django-session.ts"] == HELPER.read_text(encoding="utf-8")


def test_the_page_shows_a_session_accessor_pages_handlers_a_log_out_and_a_proxy() -> None:
    assert set(page_files()) == {
        "lib/django-session.ts",
        "lib/app-session.ts",
        "app/members/page.tsx",
        "app/note/route.ts",
        "app/actions.ts",
        "app/logout/route.ts",
        *MIDDLEWARE_FILES.values(),
    }


def test_the_node_example_is_what_the_node_app_does() -> None:
    (block,) = javascript_blocks(NEXTJS_PAGE.read_text(encoding="utf-8"))
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
    assert message in " ".join(NEXTJS_PAGE.read_text(encoding="utf-8").split())
