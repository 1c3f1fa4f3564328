from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class BackOfficeAdminConfig(admin_apps.AdminConfig):
    """Django's admin with the back office's site (unfold theme, staff second factor)."""

    default = False
    default_site = "mcp_payments.backoffice.sites.BackOfficeSite"


class BackOfficeConfig(AppConfig):
    default = True
    name = "mcp_payments.backoffice"
    label = "backoffice"
    verbose_name = "Back office"
