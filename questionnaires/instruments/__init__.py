"""Shipped instrument definitions (JSON), read with importlib.resources."""
