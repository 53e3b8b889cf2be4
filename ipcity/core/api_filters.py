"""The one way an API list endpoint applies its FilterSet (STYLE rule 9): the filtered queryset, or the API's
per-field 422 ({"detail": [{"field", "message", "type"}]}, see config/api.py) for a bad query parameter."""

from __future__ import annotations

from typing import Any

from ninja.errors import ValidationError as NinjaValidationError


def filtered_or_422(filterset: Any) -> Any:
    if not filterset.is_valid():
        raise NinjaValidationError(
            [
                {"loc": ("query", field), "msg": str(message), "type": "value_error"}
                for field, messages in filterset.errors.items()
                for message in messages
            ]
        )
    return filterset.qs
