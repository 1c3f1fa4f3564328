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


def object_type_of(obj: models.Model) -> str:
    return _REGISTRY[type(obj)].object_name
