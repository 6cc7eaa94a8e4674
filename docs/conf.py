"""Sphinx configuration: ``make docs`` builds it with warnings as errors."""

from __future__ import annotations

import os
import sys
from pathlib import Path

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
]

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
html_css_files = ["wide-code.css"]

doctest_global_setup = """
from django_iron_session import iron, iron_session
"""
