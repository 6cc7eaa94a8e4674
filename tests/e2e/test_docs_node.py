"""The docs' Node and Next.js page shows the code the end-to-end tests run."""

from __future__ import annotations

import re
import textwrap

from testing.paths import NODE_APP, REPO_DIR
from tests.e2e.nextjs_app import HELPER, NEXTJS_DIR

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
