"""The Node code of the docs' Node page is the code the end-to-end tests run."""

from __future__ import annotations

import textwrap

from testing.paths import NODE_APP, REPO_DIR

NODE_PAGE = REPO_DIR / "docs" / "nextjs.rst"


def first_javascript_block(text: str) -> str:
    after = text.split(".. code-block:: javascript\n\n", 1)[1]
    lines = []
    for line in after.splitlines():
        if line and not line.startswith("    "):
            break
        lines.append(line)
    return textwrap.dedent("\n".join(lines)).strip()


def test_the_node_page_shows_the_node_apps_own_functions() -> None:
    block = first_javascript_block(NODE_PAGE.read_text(encoding="utf-8"))
    functions = block[block.index("function password()") :]

    assert "function honouringDjangoExpiry(" in functions
    assert functions in NODE_APP.read_text(encoding="utf-8")
