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

html_theme = "alabaster"
html_static_path = ["_static"]
html_theme_options = {"description": "Encrypted cookie sessions for Django, shared with Node"}

doctest_global_setup = """
from django_iron_session import iron, iron_session
"""
