"""Model fields shared by every app."""

from functools import partial

from django.db import models

from .ids import ULID_LENGTH, new_id


class PrefixedIdField(models.CharField):
    """Primary key holding a prefixed ULID (`cus_...`), generated on creation."""

    def __init__(self, prefix: str, *args, **kwargs) -> None:
        self.prefix = prefix
        kwargs.setdefault("max_length", len(prefix) + 1 + ULID_LENGTH)
        kwargs.setdefault("primary_key", True)
        kwargs.setdefault("editable", False)
        kwargs["default"] = partial(new_id, prefix)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("default", None)
        kwargs.pop("max_length", None)
        kwargs.pop("primary_key", None)
        kwargs.pop("editable", None)
        return name, path, [self.prefix, *args], kwargs
