"""`<dbid:pk>`: a database id in a URL. At most 18 digits, so that a typed-in huge number is a 404, not an
integer overflow in the database driver (a 500). Imported (and so registered once) by the urls modules.
In core because every app's URLs and API use it, and core imports no other app (docs/adr/0014-layering.md)."""

from django.urls import register_converter


class DatabaseIdConverter:
    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(DatabaseIdConverter, "dbid")

# For API path parameters: ids above this cannot exist (BigAutoField).
MAX_ID = 2**63 - 1
