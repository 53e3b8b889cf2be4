"""TRANSLATION COMPLETENESS — applies to EVERY app.

For every django.po under ipcity/ this test fails if any entry is untranslated (empty msgstr) or marked
fuzzy, so that the Chinese UI stays complete as everyone adds strings. When it fails: run
`makemessages -l zh_Hans` in your app, translate the listed msgids and remove the fuzzy flags.
"""

import ast
from pathlib import Path

import pytest

IPCITY = Path(__file__).resolve().parents[2]
PO_FILES = sorted(p for p in IPCITY.rglob("django.po") if "LC_MESSAGES" in p.parts)


def _unquote(line: str) -> str:
    return ast.literal_eval(line[line.index('"') :])


def problems(path: Path) -> list[str]:
    """Each untranslated or fuzzy entry (the header, msgid "", is skipped)."""
    found: list[str] = []
    entries: list[dict[str, object]] = []
    current: dict[str, object] = {}
    last = ""
    for raw in path.read_text(encoding="utf-8").splitlines() + [""]:
        line = raw.strip()
        if not line:
            if current:
                entries.append(current)
            current, last = {}, ""
            continue
        if line.startswith("#~"):
            continue  # obsolete entries are not used
        if line.startswith("#,"):
            if "msgid" in current:  # a new entry without a blank line before it
                entries.append(current)
                current = {}
            current["fuzzy"] = "fuzzy" in line
        elif line.startswith("#"):
            if "msgid" in current:
                entries.append(current)
                current = {}
        elif line.startswith("msgid_plural"):
            last = "msgid_plural"
        elif line.startswith("msgid "):
            if "msgid" in current:
                entries.append(current)
                current = {}
            current["msgid"] = _unquote(line)
            last = "msgid"
        elif line.startswith("msgstr"):
            key = line.split(" ", 1)[0]
            strs = current.setdefault("msgstr", {})
            assert isinstance(strs, dict)
            strs[key] = _unquote(line)
            last = key
        elif line.startswith('"'):
            if last == "msgid":
                current["msgid"] = str(current["msgid"]) + _unquote(line)
            elif last.startswith("msgstr"):
                strs = current["msgstr"]
                assert isinstance(strs, dict)
                strs[last] += _unquote(line)
    for entry in entries:
        msgid = entry.get("msgid")
        if not msgid:
            continue
        strs = entry.get("msgstr") or {}
        assert isinstance(strs, dict)
        if entry.get("fuzzy"):
            found.append(f"fuzzy: {msgid!r}")
        elif not strs or any(not value for value in strs.values()):
            found.append(f"untranslated: {msgid!r}")
    return found


def test_there_are_catalogues() -> None:
    assert any(p.parent.parent.parent.parent.name == "ipcity" for p in PO_FILES), "ipcity/locale is missing"
    assert len(PO_FILES) >= 4


@pytest.mark.parametrize("path", PO_FILES, ids=[str(p.relative_to(IPCITY)) for p in PO_FILES])
def test_catalogue_is_complete(path: Path) -> None:
    found = problems(path)
    assert not found, f"{path.relative_to(IPCITY.parent)}: {len(found)} problem(s):\n" + "\n".join(found)


def test_checker_catches_fuzzy_and_empty(tmp_path: Path) -> None:
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Language: zh_Hans\\n"\n\n'
        '#: a.py:1\nmsgid "Done"\nmsgstr "完成"\n\n'
        '#: a.py:2\n#, fuzzy\nmsgid "Old"\nmsgstr "旧"\n\n'
        '#: a.py:3\nmsgid "Empty"\nmsgstr ""\n\n'
        '#: a.py:4\nmsgid "%(n)s item"\nmsgid_plural "%(n)s items"\nmsgstr[0] ""\n',
        encoding="utf-8",
    )
    assert problems(po) == ["fuzzy: 'Old'", "untranslated: 'Empty'", "untranslated: '%(n)s item'"]
