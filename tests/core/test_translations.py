"""Every Chinese message has its English (zh-CN first, English second)."""

from pathlib import Path

PO = Path(__file__).resolve().parents[2] / "backend/locale/en/LC_MESSAGES/django.po"


def test_every_message_has_an_english_translation():
    blocks = PO.read_text(encoding="utf-8").split("\n\n")[1:]  # the first block is the header
    untranslated = [b for b in blocks if 'msgstr ""' in b.split("\n") or "#, fuzzy" in b]
    assert untranslated == [], "run infra/dev/po_fill.py with the English, then make messages"
