"""Decoding a Scoop site's latin1 columns (ladle.lib.legacy_text). No database here."""

import json
from pathlib import Path

import pytest

from ladle.lib.legacy_text import decode_scoop_text
from ladle.lib.mysqldump import open_dump, read_dump

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.mark.parametrize(
    ("stored", "seen"),
    [
        (b"It\x92s \x93quoted\x94 \x96 and\x85", "It’s “quoted” – and…"),
        (b"it&#146;s &#8364;5 &#x416;", "it’s €5 Ж"),
        (b"caf\xe9 \x80", "café €"),
        (b"Z\xc3\xbcrich", "Zürich"),  # UTF-8 stored as latin1
        (b"Z&#195;&#188;rich", "Zürich"),  # the same, one reference per byte
        (b"odd \x81 byte", "odd \x81 byte"),  # undefined in cp1252: kept as latin1 reads it
    ],
)
def test_scoop_text_reads_as_its_readers_saw_it(stored, seen):
    assert decode_scoop_text(stored) == seen


def test_references_that_may_be_markup_stay_for_the_sanitizer():
    stored = b'<a href="java&#115;cript:alert(1)">&#60;b&#62; &#0; &#55296;</a>'
    assert decode_scoop_text(stored) == stored.decode()


def test_the_fixtures_mojibake_and_cp1252_comments_decode_to_the_intended_words():
    expected = json.loads((FIXTURES / "scoop-small.expected.json").read_text())
    intended = {(c["sid"], c["cid"]): c["intended"] for c in expected["utf8_mojibake_comments"]}
    legacy = {(c["sid"], c["cid"]) for c in expected["cp1252_legacy_comments"]}
    seen = {}
    with open_dump(FIXTURES / "scoop-small.sql") as dump:
        for row in read_dump(dump, ["comments"]):
            key = (row.values["sid"].decode(), row.values["cid"])
            if key in intended or key in legacy:
                seen[key] = decode_scoop_text(row.values["comment"])
    for key, word in intended.items():
        assert word in seen[key], key
    for key in legacy:
        assert "’" in seen[key] or "“" in seen[key], key
        assert "\x92" not in seen[key] and "Ã" not in seen[key], key
