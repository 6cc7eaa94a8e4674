# The two commands of the README's quick start, tox, the docs and the release checks. The
# work is in scripts/.
.PHONY: demo demo-node test tox docs dist

# Set up .venv and serve the demo site on http://127.0.0.1:8000/
demo:
	scripts/setup-python.sh
	scripts/demo.sh

# The demo site, and beside it on http://127.0.0.1:8001/ a Node app sharing its session
demo-node:
	scripts/setup-python.sh
	scripts/setup-node-packages.sh
	scripts/demo-node.sh

# Set up .venv, chromium, redis-server and the Node packages; run every test, ruff and mypy
test:
	scripts/setup-python.sh
	scripts/setup-test-services.sh
	scripts/test.sh

# The unit tests on Python 3.10-3.13 x Django 5.2-6.1, and lint and types, with tox
tox:
	scripts/setup-python.sh
	scripts/tox.sh

# The documentation site in docs/_build/html (all pages rebuilt: -E), with warnings as errors;
# its examples run as doctests
docs:
	scripts/setup-python.sh
	.venv/bin/sphinx-build -W --keep-going -q -E -b html docs docs/_build/html
	.venv/bin/sphinx-build -W --keep-going -q -b doctest docs docs/_build/doctest

# Build the sdist and the wheel into dist/, check them (twine check --strict, contents) and run
# the unit tests from the unpacked sdist against the wheel installed in a new virtualenv
dist:
	scripts/setup-python.sh
	scripts/check-dist.sh
