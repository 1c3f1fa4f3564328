"""Production settings: refuse to start without a real secret key and database URL."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403


def _required(name: str) -> str:
    value = os.environ.get(name, "")
    if not value:
        raise ImproperlyConfigured(f"{name} must be set in production")
    return value


SECRET_KEY = _required("SECRET_KEY")
if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("dev-insecure"):
    raise ImproperlyConfigured("SECRET_KEY must be a random string of at least 50 characters")
_required("DATABASE_URL")
SIMPLE_JWT["SIGNING_KEY"] = SECRET_KEY  # noqa: F405

# Mail goes to a real SMTP server in production (base.py defaults to 127.0.0.1).
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = _required("EMAIL_HOST")
if EMAIL_HOST in {"127.0.0.1", "localhost", "::1"}:
    raise ImproperlyConfigured("EMAIL_HOST must be a real SMTP server in production")

DEBUG = False
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)  # noqa: F405
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000)  # noqa: F405
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Exempt health probes from the HTTPS redirect: load balancers call them over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^health/", r"^metrics$"]

# --- Back office ---
# Staff need a TOTP second factor (docs/deployment.md); static files are collected with hashed
# names and compressed, and served by ServeStatic with far-future cache headers.
STAFF_OTP_REQUIRED = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "servestatic.storage.CompressedManifestStaticFilesStorage"},
}
