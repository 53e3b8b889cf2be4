"""Fill empty msgstr entries of a .po file from a JSON mapping {msgid: translation}.

    python scripts/po_fill.py ipcity/portal/locale/zh_Hans/LC_MESSAGES/django.po translations.json

Multi-line msgids are matched on their joined text. Entries not in the mapping are left as they are
(the translation test reports them), and `fuzzy` flags on filled entries are removed.
"""

import json
import re
import sys
from pathlib import Path


def _unquote(lines: list[str]) -> str:
    return "".join(json.loads(line) for line in lines)


def fill(po_path: Path, mapping: dict[str, str]) -> int:
    text = po_path.read_text(encoding="utf-8")
    # An entry's comments may follow the previous entry's last string line without a blank line.
    text = re.sub(r'("\n)(#[:.,|] )', r"\1\n\2", text)
    blocks = text.split("\n\n")
    filled = 0
    out = []
    for block in blocks:
        lines = block.split("\n")
        try:
            i_id = next(i for i, line in enumerate(lines) if line.startswith("msgid "))
            i_str = next(i for i, line in enumerate(lines) if line.startswith("msgstr "))
        except StopIteration:
            out.append(block)
            continue
        msgid = _unquote([lines[i_id][6:]] + [line for line in lines[i_id + 1 : i_str]])
        msgstr = _unquote([lines[i_str][7:]] + [line for line in lines[i_str + 1 :] if line.startswith('"')])
        if msgid and not msgstr and msgid in mapping:
            lines = lines[:i_str] + ["msgstr " + json.dumps(mapping[msgid], ensure_ascii=False)]
            lines = [
                re.sub(r", fuzzy|#, fuzzy$", "", line) if line.startswith("#,") else line for line in lines
            ]
            lines = [line for line in lines if line != "#"]
            filled += 1
        out.append("\n".join(lines))
    po_path.write_text("\n\n".join(out), encoding="utf-8")
    return filled


if __name__ == "__main__":
    count = fill(Path(sys.argv[1]), json.loads(Path(sys.argv[2]).read_text(encoding="utf-8")))
    print(f"filled {count} entries")
