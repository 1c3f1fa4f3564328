"""Which serializer renders a model's API representation, so events carry exactly what the API
shows. Apps register their models in `AppConfig.ready()`."""

import threading
from typing import Any

from django.db import models
from rest_framework.serializers import Serializer

_REGISTRY: dict[type[models.Model], type[Serializer]] = {}
# One serializer instance per class and thread, reused: DRF deep-copies a serializer's declared
# fields on every instantiation, which was a sixth of a payment confirm's CPU (three
# representations: two events and the response). Representations take no context, so a reused
# instance renders exactly what a new one would; per thread, as the ASGI side runs views in a
# thread pool.
_TEMPLATES = threading.local()


def register_representation(model: type[models.Model], serializer: type[Serializer]) -> None:
    _REGISTRY[model] = serializer


def represent(obj: models.Model) -> dict[str, Any]:
    """`obj`'s API representation (the registered serializer's output, a plain dict), as events
    carry it and the API answers it."""
    try:
        serializer_class = _REGISTRY[type(obj)]
    except KeyError:
        raise LookupError(f"No API representation registered for {type(obj).__name__}") from None
    templates = _TEMPLATES.__dict__
    template = templates.get(serializer_class)
    if template is None:
        template = templates[serializer_class] = serializer_class()
    return dict(template.to_representation(obj))


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
