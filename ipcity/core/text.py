"""Text rules shared by every edge (requests, imports)."""

import re

# C0 control characters other than tab, line feed and carriage return. PostgreSQL cannot store NUL in
# text or jsonb (a DataError), and Excel files cannot hold any of them (openpyxl refuses the cell), so
# a name typed or imported with one would break every later export. Nobody types them on purpose.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

# A lone UTF-16 surrogate (U+D800–U+DFFF), which JSON can spell ("\ud800") and Python decodes into a str,
# is not a character: it cannot be encoded as UTF-8, so the database driver, a template or an export
# would fail on it. A correct pair ("\ud83d\ude00") decodes to one real character and never matches.
SURROGATES = re.compile("[\ud800-\udfff]")


def has_control_characters(text: str) -> bool:
    return CONTROL_CHARACTERS.search(text) is not None


def has_surrogates(text: str) -> bool:
    return SURROGATES.search(text) is not None
