"""The API's one error shape (rph.api.exception_handler): what a caller gets back when a
request is refused, whichever app's endpoint refused it."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from rest_framework import serializers

from rph.api import exception_handler


def _answer(exc: Exception):
    response = exception_handler(exc, {})
    return response.status_code, response.data


def test_field_errors_come_back_by_field_and_the_rest_as_non_field_errors():
    exc = DjangoValidationError({"email": ["Ugyldig e-post."], "__all__": ["Noe er galt."]})

    assert _answer(exc) == (
        400,
        {"email": ["Ugyldig e-post."], "non_field_errors": ["Noe er galt."]},
    )


def test_an_error_about_the_whole_request_is_a_non_field_error():
    assert _answer(DjangoValidationError("Forløpet er avsluttet.", code="ended")) == (
        400,
        {"non_field_errors": ["Forløpet er avsluttet."]},
    )


@pytest.mark.parametrize("code", ["conflict", "already_sent", "not_draft"])
def test_a_record_changed_meanwhile_is_a_409_in_the_same_shape(code):
    assert _answer(DjangoValidationError("Brevet er allerede sendt.", code=code)) == (
        409,
        {"non_field_errors": ["Brevet er allerede sendt."]},
    )


def test_a_serializer_error_keeps_drfs_shape():
    exc = serializers.ValidationError({"episode": ["Oppgi forløpets id."]})

    assert _answer(exc) == (400, {"episode": ["Oppgi forløpets id."]})


@pytest.mark.django_db(transaction=False)
def test_a_refusal_keeps_the_request_transaction_so_the_look_stays_logged():
    # ATOMIC_REQUESTS: the test runs inside an atomic block like a request does.
    with transaction.atomic():
        exception_handler(DjangoValidationError({"email": ["Ugyldig."]}), {})
        exception_handler(serializers.ValidationError({"email": ["Ugyldig."]}), {})
        assert transaction.get_rollback() is False

        exception_handler(PermissionDenied(), {})  # anything else is rolled back as DRF does
        assert transaction.get_rollback() is True
        transaction.set_rollback(False)
