"""Error codes are members of an app's ErrorCode enum, never string literals at the raise (ADR 0016).

The API's `code` is a contract with clients: a literal typed at one raise drifts from the one typed at the
next. This scans the source for a DomainError (or a subclass, or `Invalid.on_field`) built with a literal
code, so the rule holds for every app added later too."""

from __future__ import annotations

import ast
from pathlib import Path

import ipcity

ROOT = Path(ipcity.__file__).parent
BASE_NAMES = {"DomainError", "NotAllowed", "NotFound", "Invalid", "Conflict"}


def _sources() -> list[Path]:
    return [p for p in ROOT.rglob("*.py") if "tests" not in p.parts and "migrations" not in p.parts]


def _error_classes(trees: dict[Path, ast.Module]) -> set[str]:
    """The core kinds and every class in the project that derives from one of them."""
    names = set(BASE_NAMES)
    changed = True
    while changed:
        changed = False
        for tree in trees.values():
            for node in ast.walk(tree):
                if isinstance(node, ast.ClassDef) and node.name not in names:
                    bases = {b.id if isinstance(b, ast.Name) else getattr(b, "attr", "") for b in node.bases}
                    if bases & names:
                        names.add(node.name)
                        changed = True
    return names


def _called_name(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Attribute) and func.attr == "on_field" and isinstance(func.value, ast.Name):
        return func.value.id
    if isinstance(func, ast.Name):
        return func.id
    return func.attr if isinstance(func, ast.Attribute) else ""


def literal_codes(source: str, classes: set[str]) -> list[int]:
    """Line numbers where an error class is built with a string literal as its code."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and _called_name(node) in classes):
            continue
        code = node.args[0] if node.args else next((k.value for k in node.keywords if k.arg == "code"), None)
        if isinstance(code, ast.Constant) and isinstance(code.value, str):
            lines.append(node.lineno)
    return lines


def test_the_scan_finds_a_literal_code():
    classes = _error_classes({})
    assert literal_codes('raise Conflict("wrong_status", "x")', classes) == [1]
    assert literal_codes('raise Invalid.on_field("bad", "year", "x")', classes) == [1]
    assert literal_codes('raise NotAllowed(code="role", message="x")', classes) == [1]
    assert literal_codes("raise Conflict(ErrorCode.WRONG_STATUS, 'x')", classes) == []


def test_no_domain_error_is_raised_with_a_literal_code():
    trees = {path: ast.parse(path.read_text(encoding="utf-8")) for path in _sources()}
    classes = _error_classes(trees)
    offenders = [
        f"{path.relative_to(ROOT.parent)}:{line}"
        for path in sorted(trees)
        for line in literal_codes(path.read_text(encoding="utf-8"), classes)
    ]
    assert offenders == [], "use the app's ErrorCode enum (choices.py): " + ", ".join(offenders)
