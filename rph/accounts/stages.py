from allauth.mfa.stages import AuthenticateStage

from rph.accounts.sso.adapter import second_factor_at_idp


class SecondFactorStage(AuthenticateStage):
    """allauth's TOTP step, skipped when the identity provider's token shows a second factor."""

    def _should_handle(self, request):  # type: ignore[no-untyped-def]
        sociallogin = (self.login.signal_kwargs or {}).get("sociallogin")
        if sociallogin is not None and second_factor_at_idp(sociallogin):
            return False
        return super()._should_handle(request)
