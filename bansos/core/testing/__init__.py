"""Test support shared by every app (pytest plugins registered from the root conftest.py)."""
