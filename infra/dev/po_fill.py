"""Fill English msgstr entries of backend/locale/en/LC_MESSAGES/django.po that are empty or fuzzy from JSON
files of {"中文 msgid": "English"} (what a change's author wrote down), and list what is still missing.

    make messages && .venv/bin/python infra/dev/po_fill.py tmp_i18n/*.json && make messages

The .po is written by `makemessages --no-wrap`, so every msgid and msgstr is one line.
"""

import json
import sys
from pathlib import Path

PO = Path(__file__).resolve().parents[2] / "backend/locale/en/LC_MESSAGES/django.po"


def unquote(line: str, keyword: str) -> str:
    return json.loads(line[len(keyword) + 1 :])  # a .po string is close enough to JSON for our messages


def quote(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)


def main(paths: list[str]) -> int:
    english: dict[str, str] = {}
    for path in paths:
        english.update(json.loads(Path(path).read_text(encoding="utf-8")))
    blocks = PO.read_text(encoding="utf-8").split("\n\n")
    missing = []
    for i, block in enumerate(blocks):
        lines = block.split("\n")
        ids = [n for n, line in enumerate(lines) if line.startswith("msgid ")]
        strs = [n for n, line in enumerate(lines) if line.startswith("msgstr ")]
        if not ids or not strs:
            continue
        msgid = unquote(lines[ids[0]], "msgid")
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in lines)
        if not msgid or (unquote(lines[strs[0]], "msgstr") and not fuzzy):
            continue
        if msgid not in english:
            missing.append(msgid)
            continue
        lines[strs[0]] = f"msgstr {quote(english[msgid])}"
        lines = [
            line
            for line in lines
            if not line.startswith("#|") and not (line.startswith("#,") and line.strip() == "#, fuzzy")
        ]
        lines = [line.replace(", fuzzy", "") if line.startswith("#,") else line for line in lines]
        blocks[i] = "\n".join(lines)
    PO.write_text("\n\n".join(blocks), encoding="utf-8")
    for msgid in missing:
        print(f"untranslated: {msgid}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
