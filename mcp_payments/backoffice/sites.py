"""The admin site of the back office: django-unfold's site with a staff second factor."""

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.http import HttpRequest
from django.urls import reverse
from django_otp import login as otp_login
from unfold.sites import UnfoldAdminSite

from .security import otp_required, otp_verify


class StaffLoginForm(AdminAuthenticationForm):
    """Username, password (django-axes counts failures) and, for staff who need one, the
    current TOTP code of their device."""

    otp_token = forms.CharField(
        label="Authenticator code",
        required=False,
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        help_text="Six digits from the authenticator app (manage.py staff_otp <user>).",
    )
    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "otp_invalid": "Enter the current code from your authenticator (two-factor login).",
    }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        user = self.get_user()
        if user is not None and otp_required(user):
            device = otp_verify(user, cleaned.get("otp_token"))
            if device is None:
                raise forms.ValidationError(self.error_messages["otp_invalid"], code="otp_invalid")
            user.otp_device = device
        return cleaned


class BackOfficeSite(UnfoldAdminSite):
    """Staff only; with `STAFF_OTP_REQUIRED` a session must also have passed the second factor."""

    login_form = StaffLoginForm
    login_template = "backoffice/login.html"

    def has_permission(self, request: HttpRequest) -> bool:
        if not super().has_permission(request):
            return False
        if settings.STAFF_OTP_REQUIRED:
            return request.user.is_verified()
        return True

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None):
        response = super().login(request, extra_context)
        device = getattr(request.user, "otp_device", None)
        if request.method == "POST" and request.user.is_authenticated and device is not None:
            otp_login(request, device)
        return response

    def each_context(self, request: HttpRequest) -> dict[str, Any]:
        context = super().each_context(request)
        context["site_url"] = reverse("home")
        return context
