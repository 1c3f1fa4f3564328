"""Which serializer renders a model's API representation, so events carry exactly what the API
shows. Apps register their models in `AppConfig.ready()`."""

from typing import Any

from django.db import models
from rest_framework.serializers import Serializer

_REGISTRY: dict[type[models.Model], type[Serializer]] = {}


def register_representation(model: type[models.Model], serializer: type[Serializer]) -> None:
    _REGISTRY[model] = serializer


def represent(obj: models.Model) -> dict[str, Any]:
    try:
        serializer = _REGISTRY[type(obj)]
    except KeyError:
        raise LookupError(f"No API representation registered for {type(obj).__name__}") from None
    return dict(serializer(obj).data)


def represent_current(object_type: str, object_id: str) -> dict[str, Any]:
    """The current API representation of the object `object_type` (`payment`, `transfer`, …)
    with `object_id`; LookupError when the type is unknown or the object is gone."""
    for model, serializer in _REGISTRY.items():
        if getattr(serializer, "object_name", None) == object_type:
            obj = model._default_manager.filter(pk=object_id).first()
            if obj is None:
                break
            return dict(serializer(obj).data)
    raise LookupError(f"No {object_type} '{object_id}' to represent")


def object_type_of(obj: models.Model) -> str:
    return _REGISTRY[type(obj)].object_name
