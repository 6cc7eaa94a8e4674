"""Sphinx configuration: ``make docs`` builds it with warnings as errors."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# autodoc imports the package, and its Django modules need settings: the test settings,
# which configure this engine, are enough.
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django  # noqa: E402

django.setup()

project = "django-iron-session"
author = "django-iron-session developers"
copyright = "django-iron-session developers"

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.doctest",
    "sphinx.ext.extlinks",
]

# Links to Django's settings reference, by the anchor Django's documentation gives every
# setting (#std-setting-NAME). Plain links rather than intersphinx: intersphinx downloads
# Django's objects.inv at each build, which fails offline (CI builds offline), and a copy
# committed here would be a binary of Django's to keep in step, for the one kind of target
# linked. tests/test_docs_settings.py checks that every SESSION_* setting Django has is
# listed.
extlinks = {
    "django-setting": (
        "https://docs.djangoproject.com/en/stable/ref/settings/#std-setting-%s",
        "%s",
    ),
}

exclude_patterns = ["_build"]

autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_preserve_defaults = True

# Furo: a content column that fits a laptop's width, a dark mode that follows the system's
# (with a switch), and Sphinx's own search, an index shipped with the pages, so it works
# offline and from file://.
html_theme = "furo"
html_title = "django-iron-session"
html_static_path = ["_static"]
html_css_files = ["layout.css"]


# Any: tox's types environment checks this file without Sphinx installed.
def setup(app: Any) -> None:
    # ".. setting:: NAME" gives an IRON_SESSION key its anchor and index entry, and
    # :setting:`NAME` links to it, as in Django's own documentation.
    app.add_crossref_type("setting", "setting", indextemplate="pair: %s; setting")
    # Likewise ".. check:: E001" and :check:`E001` for the system checks, and
    # ".. django-admin:: NAME" and :djadmin:`NAME` for the management commands.
    app.add_crossref_type("check", "check", indextemplate="pair: %s; system check")
    app.add_crossref_type("django-admin", "djadmin", indextemplate="pair: %s; command")


doctest_global_setup = """
from django_iron_session import iron, iron_session
"""
