"""The corpus tests use the session build of ``tests/conftest.py`` (fixture ``built``)."""
