"""Staff login security shared by the admin and `POST /api/v1/auth/token`: the TOTP second
factor (django-otp) and the lockout answer (django-axes).

Platform staff (`is_staff` or `is_superuser`) need a valid TOTP code when `STAFF_OTP_REQUIRED`
is on; any other user needs one only once enrolled (a confirmed TOTP device)."""

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django_otp import match_token
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from mcp_payments.api.errors import error_body

STAFF_DEVICE_NAME = "staff-totp"


def is_platform_staff(user: AbstractBaseUser) -> bool:
    return bool(user.is_staff or user.is_superuser)


def otp_required(user: AbstractBaseUser) -> bool:
    """Whether `user` must give a TOTP code to log in: platform staff when the setting is on,
    and every user with a confirmed TOTP device."""
    if is_platform_staff(user) and settings.STAFF_OTP_REQUIRED:
        return True
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).exists()


def otp_verify(user: AbstractBaseUser, token: str | None) -> TOTPDevice | None:
    """The user's device that accepts `token` (it is then used up: a TOTP code works once), or
    None for a missing, malformed or wrong code."""
    token = (token or "").strip()
    if not token.isdigit():
        return None
    return match_token(user, token)


def staff_totp_device(user: AbstractBaseUser) -> TOTPDevice:
    """The user's confirmed TOTP device, created (enrolled) when it has none. Writes one row the
    first time; the secret stays in the database (show it with `staff_otp --uri`)."""
    with transaction.atomic():
        device = (
            TOTPDevice.objects.devices_for_user(user, confirmed=True)
            .select_for_update()
            .order_by("pk")
            .first()
        )
        if device is None:
            device = TOTPDevice.objects.create(user=user, name=STAFF_DEVICE_NAME, confirmed=True)
        return device


def current_code(device: TOTPDevice) -> str:
    """The device's code for the current 30-second step, zero-padded to its digits."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials=None
) -> HttpResponse:
    """django-axes' answer to a locked-out login: the API's error envelope (429) on /api/, a
    page on /admin/. Nothing is checked or changed while locked out."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    message = f"Too many failed login attempts: try again in {minutes} minutes."
    if request.path.startswith("/api/"):
        body = error_body(type="rate_limit_error", code="login_locked_out", message=message)
        return JsonResponse(body, status=429)
    return render(request, "backoffice/locked_out.html", {"message": message}, status=429)
