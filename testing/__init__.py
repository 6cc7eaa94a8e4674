"""Support code shared by the test suite (``tests/``) and the benchmarks (``benchmarks/``).

Neither tests nor benchmarks import each other: both import from here. Not part of the
published package (``pyproject.toml`` ships ``django_iron_session`` only).
"""
