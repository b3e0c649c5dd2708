import pytest


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Test users only: a cheap hasher keeps make_staff fast on the shared 2-core machine."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
