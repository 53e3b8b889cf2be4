"""Errors the engine raises. The web layer maps UnknownScheme to 404 and FactError to 422."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class EngineError(Exception):
    """Base class of everything the engine raises on purpose."""


class UnknownScheme(EngineError):
    def __init__(self, scheme_id: str) -> None:
        super().__init__(f"unknown scheme: {scheme_id}")
        self.scheme_id = scheme_id


@dataclass
class FactError(EngineError):
    """One entry per bad field: {"field", "code", "message_zh", "message_en"}."""

    errors: list[dict[str, Any]] = field(default_factory=list)

    def __str__(self) -> str:
        return "; ".join(f"{e['field']}: {e['message_en']}" for e in self.errors)


class PolicyError(EngineError):
    """The policy package itself is wrong (e.g. a parameter without a clause reference)."""


def fact_error(field_name: str, code: str, zh: str, en: str) -> dict[str, Any]:
    return {"field": field_name, "code": code, "message_zh": zh, "message_en": en}
