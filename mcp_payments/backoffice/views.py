"""`GET /` and the landing page shown there until the React dashboard takes over."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render


def home(request: HttpRequest) -> HttpResponse:
    """302 to `settings.HOME_URL` (`/welcome/` today; `/dashboard/` once it is served)."""
    return HttpResponseRedirect(settings.HOME_URL)


def welcome(request: HttpRequest) -> HttpResponse:
    """A small page linking the API docs, the back office and the health check."""
    return render(request, "backoffice/welcome.html")
