"""Browser tests. A package, so its conftest is ``e2e.conftest`` and never shadows ``tests/conftest.py``."""
