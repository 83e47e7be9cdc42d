import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings) -> None:
    """Personas are many users; the production hasher's cost proves nothing in these tests."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
