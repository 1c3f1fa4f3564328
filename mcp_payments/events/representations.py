"""Which serializer renders a model's API representation, so events carry exactly what the API
shows. Apps register their models in `AppConfig.ready()`."""

import threading
from typing import Any

from django.db import models
from rest_framework.serializers import Serializer

_REGISTRY: dict[type[models.Model], type[Serializer]] = {}
# One serializer instance per class and thread, reused for every object it renders: building a
# serializer deep-copies its declared fields, which cost more than rendering (an invoice: ~3 ms
# of which the copy was most) and every state change renders its object at least once. Reuse is
# what DRF's own `many=True` does with its child serializer; without context or instance state.
_instances = threading.local()


def _renderer(serializer: type[Serializer]) -> Serializer:
    cache = _instances.__dict__.setdefault("by_class", {})
    instance = cache.get(serializer)
    if instance is None:
        instance = cache[serializer] = serializer()
    return instance


def register_representation(model: type[models.Model], serializer: type[Serializer]) -> None:
    _REGISTRY[model] = serializer


def represent(obj: models.Model) -> dict[str, Any]:
    """`obj`'s API representation (the registered serializer's output, a plain dict), as events
    carry it and the API answers it."""
    try:
        serializer = _REGISTRY[type(obj)]
    except KeyError:
        raise LookupError(f"No API representation registered for {type(obj).__name__}") from None
    return dict(_renderer(serializer).to_representation(obj))


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
