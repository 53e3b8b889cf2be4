from django import template
from django.utils.translation import get_language

from ipcity.grants import engine

register = template.Library()


@register.filter
def scheme_title(scheme_id: str) -> str:
    """The scheme's title in the current language (its id if the catalogue does not know it)."""
    return engine.scheme_title(scheme_id, "en" if (get_language() or "zh").startswith("en") else "zh")
