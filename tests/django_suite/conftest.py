from __future__ import annotations

# Django's own test files, fetched by django_source.py: imported from there, never collected.
collect_ignore = ["_django_src"]
