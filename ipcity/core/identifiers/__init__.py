"""Validated, normalised identifiers: USCC (GB 32100-2015), patent application numbers, IPC symbols."""
