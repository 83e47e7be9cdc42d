"""/favicon.ico is answered (browsers ask for it on every page), without a login."""

import pytest
from django.contrib.staticfiles import finders
from django.test import Client


@pytest.mark.django_db
def test_favicon_ico_leads_to_the_vendored_icon():
    response = Client().get("/favicon.ico")

    assert response.status_code == 302
    assert response["Location"].endswith("favicon.ico")
    icon = finders.find("favicon.ico")
    assert icon is not None
    with open(icon, "rb") as file:
        assert file.read(4) == b"\x00\x00\x01\x00"  # an ICO file
