from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone

from rph.accounts.middleware import LOGIN_AT_KEY


@receiver(user_logged_in)
def start_session_clock(sender: object, request: HttpRequest, **kwargs: object) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[LOGIN_AT_KEY] = timezone.now().timestamp()
