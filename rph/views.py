from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    context = {"break_glass_url": getattr(exception, "break_glass_url", "")}
    return render(request, "403.html", context, status=403)
