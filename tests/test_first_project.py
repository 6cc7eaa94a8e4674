"""docs/installation.rst's "A project of your own" works as written: a project made by
``django-admin startproject``, edited as the page says with the page's own code, passes
``manage.py check`` and counts visits in a sealed cookie."""

from __future__ import annotations

import json
import re
import secrets
import subprocess
import sys
import textwrap
from typing import TYPE_CHECKING

from testing.paths import REPO_DIR

if TYPE_CHECKING:
    from pathlib import Path

PAGE = REPO_DIR / "docs" / "installation.rst"

# Two requests through the project's own URLconf, settings and middleware; the second
# brings back the cookie the first set.
VISIT_TWICE = """
import json, django
django.setup()
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
client = Client()
counts = [client.get("/").json()["visits"] for _ in range(2)]
print(json.dumps({"counts": counts, "cookie": client.cookies["sessionid"].value}))
"""


def python_blocks(section: str) -> list[str]:
    blocks = re.findall(r"\.\. code-block:: python\n\n((?:    .*\n|\n)+)", section)
    return [textwrap.dedent(block) for block in blocks]


def project_section() -> str:
    text = PAGE.read_text(encoding="utf-8")
    start = text.index("A project of your own")
    end = text.index("\n----", text.index("\n----", start) + 1)
    return text[start:end]


def run(command: list[str], cwd: Path, env: dict[str, str]) -> str:
    done = subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, check=False, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_page_s_project_runs(tmp_path: Path) -> None:
    settings_block, urls_block = python_blocks(project_section())
    env = {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": str(REPO_DIR),
        "SESSION_PASSWORD": secrets.token_urlsafe(32),
    }
    run([sys.executable, "-m", "django", "startproject", "mysite"], tmp_path, env)
    project = tmp_path / "mysite"
    settings = project / "mysite" / "settings.py"
    # The page's prose: `import os` at the top, the app in INSTALLED_APPS, its block at the end.
    text = settings.read_text(encoding="utf-8")
    text = text.replace("INSTALLED_APPS = [\n", 'INSTALLED_APPS = [\n    "django_iron_session",\n')
    settings.write_text(f"import os\n{text}\n{settings_block}", encoding="utf-8")
    (project / "mysite" / "urls.py").write_text(urls_block, encoding="utf-8")

    checked = run([sys.executable, "manage.py", "check"], project, env)
    visited = json.loads(
        run(
            [sys.executable, "-c", VISIT_TWICE],
            project,
            {
                **env,
                "PYTHONPATH": f"{project}:{REPO_DIR}",
                "DJANGO_SETTINGS_MODULE": "mysite.settings",
            },
        )
    )

    assert "System check identified no issues" in checked
    assert visited["counts"] == [1, 2]
    assert visited["cookie"].startswith("Fe26.2*1*")
    assert "visits" not in visited["cookie"]
