"""allauth's OpenID Connect views with RPH's adapter (see the package's docstring)."""

from allauth.account.internal.decorators import login_not_required
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.models import SocialApp, SocialToken
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView, OAuth2LoginView
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse

from rph.accounts.sso.client import PrivateKeyJwtClient
from rph.accounts.sso.tokens import verified_id_token

# What logout needs to end the provider's session too (RP-initiated logout).
ID_TOKEN_KEY = "rph_oidc_id_token"
END_SESSION_KEY = "rph_oidc_end_session"


class MunicipalOIDCAdapter(OpenIDConnectOAuth2Adapter):
    def get_client(self, request: HttpRequest, app: SocialApp):  # type: ignore[no-untyped-def]
        if app.settings.get("token_auth_method") != "private_key_jwt":
            return super().get_client(request, app)
        return PrivateKeyJwtClient(
            self.request,
            app.client_id,
            "",
            self.access_token_method,
            self.access_token_url,
            self.get_callback_url(request, app),
            scope_delimiter=self.scope_delimiter,
            headers=self.headers,
            basic_auth=False,
            private_key=settings.OIDC_PRIVATE_KEY,
            key_id=settings.OIDC_KEY_ID,
        )

    def complete_login(self, request: HttpRequest, app: SocialApp, token: SocialToken, **kwargs):  # type: ignore[no-untyped-def]
        login = super().complete_login(request, app, token, **kwargs)
        request.session[ID_TOKEN_KEY] = kwargs["response"].get("id_token", "")
        request.session[END_SESSION_KEY] = self.openid_config.get("end_session_endpoint", "")
        return login

    def _decode_id_token(self, app: SocialApp, id_token: str) -> dict:
        # allauth trusts an ID token fetched over TLS without its signature; RPH checks it
        # always: issuer, audience, expiry and signature against the provider's keys.
        with get_adapter().get_requests_session() as session:
            answer = session.get(self.openid_config["jwks_uri"])
            answer.raise_for_status()
            keys = answer.json()
        return verified_id_token(
            id_token, keys=keys, issuer=self.openid_config["issuer"], audience=app.client_id
        )


@login_not_required
def login(request: HttpRequest, provider_id: str) -> HttpResponse:
    try:
        return OAuth2LoginView.adapter_view(MunicipalOIDCAdapter(request, provider_id))(request)
    except SocialApp.DoesNotExist as exc:
        raise Http404 from exc


@login_not_required
def callback(request: HttpRequest, provider_id: str) -> HttpResponse:
    try:
        return OAuth2CallbackView.adapter_view(MunicipalOIDCAdapter(request, provider_id))(request)
    except SocialApp.DoesNotExist as exc:
        raise Http404 from exc
