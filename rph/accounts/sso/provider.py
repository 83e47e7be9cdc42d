"""allauth's `openid_connect` provider with RPH's views (settings: `provider_class`)."""

from allauth.socialaccount.providers.openid_connect.provider import OpenIDConnectProvider

from rph.accounts.sso.views import MunicipalOIDCAdapter


class MunicipalOIDCProvider(OpenIDConnectProvider):
    oauth2_adapter_class = MunicipalOIDCAdapter
    # allauth imports the provider's URLs from this package.
    package = "rph.accounts.sso"

    def extract_uid(self, data: dict) -> str:
        # The subject only, from the verified ID token: never a name or an e-mail address.
        claims = data.get("id_token") or data.get("userinfo") or data
        return str(claims["sub"])
