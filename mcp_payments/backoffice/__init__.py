"""The back office: the admin site (django-unfold), staff login security (django-axes lockout,
django-otp TOTP), money formatting for admin pages, the landing page, and the admin building
blocks every app's `admin.py` uses (docs/backoffice.md)."""
