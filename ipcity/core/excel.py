"""Writing Excel cells that cannot fail on the data they are given.

An .xlsx cell cannot hold C0 control characters (openpyxl raises IllegalCharacterError, which would be
a 500 on an export page). The request middleware refuses them at the edge, but data also arrives by
imports and from before that rule; so every export writes through `cell_value`.
"""

import re
from typing import Any

from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet

from .text import CONTROL_CHARACTERS

# Word's manual line break (\x0b) and page break (\x0c) become line breaks; the other controls go.
_LINE_BREAKS = re.compile(r"[\x0b\x0c]")


def cell_value(value: Any) -> Any:
    """The value as a cell can hold it: text without control characters; anything else unchanged."""
    if isinstance(value, str):
        return CONTROL_CHARACTERS.sub("", _LINE_BREAKS.sub("\n", value))
    return value


def append_row(sheet: Worksheet | WriteOnlyWorksheet, values: Any) -> None:
    """`sheet.append(values)` with every value made safe by `cell_value`."""
    sheet.append([cell_value(v) for v in values])
