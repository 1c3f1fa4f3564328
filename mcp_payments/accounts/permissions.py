"""Permission classes: an authenticated actor, then the scope each view declares."""

from rest_framework.permissions import BasePermission
from rest_framework.request import Request


class IsAuthenticatedActor(BasePermission):
    def has_permission(self, request: Request, view) -> bool:
        return request.auth is not None


class ScopePermission(BasePermission):
    """Views declare `required_scopes = {"GET": "customers:read", "POST": "customers:write"}`."""

    message = "This key or user lacks the scope this request needs."

    def has_permission(self, request: Request, view) -> bool:
        context = request.auth
        if context is None:
            return False
        required = getattr(view, "required_scopes", {}).get(request.method)
        if required is None:
            return True
        if not context.has_scope(required):
            self.message = f"This request needs the '{required}' scope."
            return False
        return True


class IsPlatformStaff(BasePermission):
    message = "Only platform staff may do this."

    def has_permission(self, request: Request, view) -> bool:
        return request.auth is not None and request.auth.is_platform_staff
