"""The README's Node code is the code the end-to-end tests run."""

from __future__ import annotations

import textwrap

from testing.paths import NODE_APP, REPO_DIR


def readme_section(title: str) -> str:
    """The section's text, up to the next title (a line underlined with "=" to its length)."""
    lines = (REPO_DIR / "README.rst").read_text(encoding="utf-8").splitlines()

    def is_title(index: int) -> bool:
        return (
            index + 1 < len(lines)
            and bool(lines[index])
            and lines[index + 1] == "=" * len(lines[index])
        )

    start = next(i for i in range(len(lines)) if lines[i] == title and is_title(i)) + 2
    end = next((i for i in range(start, len(lines)) if is_title(i)), len(lines))
    return "\n".join(lines[start:end])


def first_javascript_block(section: str) -> str:
    after = section.split(".. code-block:: javascript\n\n", 1)[1]
    lines = []
    for line in after.splitlines():
        if line and not line.startswith("    "):
            break
        lines.append(line)
    return textwrap.dedent("\n".join(lines)).strip()


def test_the_sharing_section_shows_the_node_apps_own_functions() -> None:
    block = first_javascript_block(readme_section("Sharing a session with Node"))
    functions = block[block.index("function password()") :]

    assert "function honouringDjangoExpiry(" in functions
    assert functions in NODE_APP.read_text(encoding="utf-8")
