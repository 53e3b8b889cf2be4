"""Text rules shared by every edge (requests, imports)."""

import re

# C0 control characters other than tab, line feed and carriage return. PostgreSQL cannot store NUL in
# text or jsonb (a DataError), and Excel files cannot hold any of them (openpyxl refuses the cell), so
# a name typed or imported with one would break every later export. Nobody types them on purpose.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def has_control_characters(text: str) -> bool:
    return CONTROL_CHARACTERS.search(text) is not None
