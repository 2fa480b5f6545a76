"""pytest setup for tests/python: the rowsort package must be installed (pip install .)."""

import pytest

try:
    import rowsort  # noqa: F401
except ImportError as e:  # exit 77: CTest's SKIP_RETURN_CODE, skipped rather than passed
    pytest.exit(f"rowsort is not importable ({e}): run `pip install .` first", returncode=77)
