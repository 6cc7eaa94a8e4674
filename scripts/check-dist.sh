#!/usr/bin/env bash
# The release artifacts, as PyPI and users would get them. Builds the sdist and, from it, the
# wheel into dist/; checks their metadata (`twine check --strict`) and what each holds; then
# installs the wheel in a new virtual environment and runs the unit tests from the unpacked
# sdist against it (the sdist's own copy of the package is removed first, so the tests can
# only import the installed wheel). `make dist` sets up .venv and runs this.
set -euo pipefail
cd "$(dirname "$0")/.."

bin=.venv/bin
dist=dist
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "==> python -m build (sdist, then the wheel from the sdist)"
rm -rf "$dist"
$bin/python -m build --outdir "$dist" . >"$work/build.log" 2>&1 || {
    cat "$work/build.log" >&2
    exit 1
}
sdist=$(echo "$dist"/*.tar.gz)
wheel=$(echo "$dist"/*.whl)
echo "    $sdist"
echo "    $wheel"

echo "==> twine check --strict"
$bin/twine check --strict "$sdist" "$wheel"

echo "==> contents"
$bin/python - "$sdist" "$wheel" <<'PYTHON'
import sys
import tarfile
import zipfile

sdist, wheel = sys.argv[1:]
with tarfile.open(sdist) as archive:
    # Without the "<name>-<version>/" prefix.
    in_sdist = {name.partition("/")[2] for name in archive.getnames()}
with zipfile.ZipFile(wheel) as archive:
    in_wheel = set(archive.namelist())

problems = []
for needed in [
    "LICENSE",
    "README.rst",
    "CHANGELOG.rst",
    "pyproject.toml",
    "django_iron_session/py.typed",
    "tests/conftest.py",
    "testing/iron-vectors.json",
    "docs/index.rst",
    "node/django-session.ts",
    "testproject/manage.py",
    "benchmarks/session_bench.py",
]:
    if needed not in in_sdist:
        problems.append(f"sdist lacks {needed}")
# Installed packages, build outputs, caches and databases that a local checkout may hold.
never_shipped = {"node_modules", ".next", "__pycache__", "_django_src", "_build"}
for name in in_sdist:
    if never_shipped & set(name.split("/")) or name.endswith((".pyc", ".sqlite3")):
        problems.append(f"sdist holds {name}")

dist_info = next(name.split("/")[0] for name in in_wheel if ".dist-info/" in name)
for needed in [f"{dist_info}/licenses/LICENSE", "django_iron_session/py.typed"]:
    if needed not in in_wheel:
        problems.append(f"wheel lacks {needed}")
for name in in_wheel:
    if name.split("/")[0] not in ("django_iron_session", dist_info):
        problems.append(f"wheel holds {name}, outside the package")

if problems:
    sys.exit("\n".join(problems))
print(f"    sdist: {len(in_sdist)} entries, wheel: {len(in_wheel)} files, as expected")
PYTHON

echo "==> the unit tests from the sdist, against the wheel in a new virtual environment"
base_python=$($bin/python -c 'import sys; print(sys._base_executable)')
"$base_python" -m venv "$work/venv"
python="$work/venv/bin/python"
# pip 25.1 or newer installs dependency groups (--group).
"$python" -m pip install --quiet --upgrade "pip>=25.1"
"$python" -m pip install --quiet "$wheel"
tar -xzf "$sdist" -C "$work"
src=$(echo "$work"/django_iron_session-*/)
rm -r "$src/django_iron_session"
cd "$src"
"$python" -m pip install --quiet --group test
"$python" -c 'import django_iron_session as package; print("    testing", package.__file__)'
"$python" -W error -m pytest -q -p no:cacheprovider \
    -m "not browser and not server and not interop" "$@"
