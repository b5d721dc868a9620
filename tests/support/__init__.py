"""Support code shared by the unit and integration tests (fixtures live in tests/conftest.py)."""
