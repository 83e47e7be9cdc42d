"""API tokens are personal: they work only for a user with a confirmed second factor, they
expire, and every use is logged.

A token (`Authorization: Token <key>`, made by an administrator in the admin) stands in for
a login, so it is held to what a login needs: the user must have set up TOTP (403
otherwise, as for a session), and the token stops working `API_TOKEN_LIFETIME` after it was
made (401 `token_expired`; the administrator makes a new one). Each authenticated call is
logged on `rph.security` with the user's id and the token's age, never the key; a call that
looks at a client record is in the access log like any other look (channel `api`).
"""

import logging

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token

from rph.accounts.middleware import has_totp
from rph.accounts.models import User

security_log = logging.getLogger("rph.security")


class TokenExpired(exceptions.AuthenticationFailed):
    default_code = "token_expired"


class SecondFactorRequired(exceptions.PermissionDenied):
    default_code = "second_factor_required"


class PersonalTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key: str) -> tuple[User, Token]:
        user, token = super().authenticate_credentials(key)
        age = timezone.now() - token.created
        if age >= settings.API_TOKEN_LIFETIME:
            security_log.info("api token refused: expired (user %s)", user.pk)
            raise TokenExpired(_("The API token has expired. Ask an administrator for a new one."))
        if settings.MFA_REQUIRED and not has_totp(user):
            security_log.info("api token refused: no second factor (user %s)", user.pk)
            raise SecondFactorRequired(
                _("Two-factor authentication must be set up before you can use RPH.")
            )
        security_log.info("api token used (user %s, token %s days old)", user.pk, age.days)
        return user, token
