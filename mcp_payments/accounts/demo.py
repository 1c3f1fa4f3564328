"""The demo merchant `make run` seeds: created once, then reused with a fresh key and password.

Secrets are never stored in clear, so reusing the merchant means issuing a new sandbox key and
resetting the demo admin's password on each start (the previous demo key is revoked).
"""

from django.contrib.auth import get_user_model
from django.db import transaction

from mcp_payments.backoffice.security import staff_totp_device

from .models import ApiKey, Merchant
from .services import api_key_create, api_key_revoke, merchant_create, random_password

DEMO_KEY_NAME = "Demo key (make run)"
DEMO_STAFF_USERNAME = "ops"


def demo_merchant_ensure(*, name: str = "Demo Merchant") -> dict[str, str]:
    with transaction.atomic():
        merchant = Merchant.objects.filter(name=name).order_by("pk").first()
        if merchant is None:
            created = merchant_create(
                name=name, email="demo@example.com", username="demo", key_name=DEMO_KEY_NAME
            )
            return {
                "merchant": created.merchant.id,
                "api_key": created.api_key.secret,
                "username": created.user.get_username(),
                "password": created.password,
            }
        for old in ApiKey.objects.filter(
            merchant=merchant, name=DEMO_KEY_NAME, revoked_at__isnull=True
        ):
            api_key_revoke(key=old, context=None)
        key = api_key_create(merchant=merchant, scopes="*", name=DEMO_KEY_NAME, context=None)
        membership = merchant.memberships.select_related("user").order_by("pk").first()
        password = random_password()
        membership.user.set_password(password)
        membership.user.save(update_fields=["password"])
        return {
            "merchant": merchant.id,
            "api_key": key.secret,
            "username": membership.user.get_username(),
            "password": password,
        }


def demo_staff_ensure(*, username: str = DEMO_STAFF_USERNAME) -> dict[str, str]:
    """The platform staff user of the back office (`/admin/`): created once as a superuser,
    then reused with a fresh password; enrolled with a TOTP device (its current code:
    `manage.py staff_otp <username>`). Returns {"staff_username", "staff_password"}."""
    with transaction.atomic():
        user, _ = get_user_model().objects.get_or_create(
            username=username, defaults={"email": f"{username}@example.com"}
        )
        password = random_password()
        user.set_password(password)
        user.is_staff = user.is_superuser = user.is_active = True
        user.save()
        staff_totp_device(user)
        return {"staff_username": user.get_username(), "staff_password": password}
