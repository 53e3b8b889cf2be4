"""The two failures of an import: the whole file (ImportFileError) or one row's field (RowError)."""


class ImportFileError(ValueError):
    """The file as a whole cannot be read (unknown format, no header, unknown mapping)."""


class RowError(Exception):
    def __init__(self, field_name: str, reason: str) -> None:
        super().__init__(reason)
        self.field = field_name
        self.reason = reason
