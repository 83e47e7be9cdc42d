from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.templatetags.static import static
from django.views.decorators.http import require_safe


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    context = {"break_glass_url": getattr(exception, "break_glass_url", "")}
    return render(request, "403.html", context, status=403)


@login_not_required
@require_safe
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever the page says: send them to the vendored icon."""
    return HttpResponseRedirect(static("favicon.ico"))
