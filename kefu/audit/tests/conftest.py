import pytest


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Test users need a password hash, not a strong one: keeps the setup of each test fast."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
