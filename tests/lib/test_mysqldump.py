"""Reading mysqldump files without a MySQL server (ladle.lib.mysqldump). No database here."""

import gzip
import io
import json
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from ladle.lib.mysqldump import DumpError, open_dump, read_dump

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

SCHEMA = b"""-- MySQL dump
/*!40101 SET NAMES latin1 */;
DROP TABLE IF EXISTS `comments`;
CREATE TABLE `comments` (
  `sid` varchar(30) NOT NULL DEFAULT '',
  `cid` int(15) NOT NULL DEFAULT 0,
  `subject` varchar(50) NOT NULL DEFAULT '',
  `points` decimal(4,2) DEFAULT NULL,
  PRIMARY KEY (`sid`,`cid`),
  KEY `stuff` (`cid`)
) ENGINE=MyISAM DEFAULT CHARSET=latin1;
"""


def rows(dump: bytes, tables=None):
    return [(row.table, row.values) for row in read_dump(io.BytesIO(dump), tables)]


def test_rows_of_a_one_line_extended_insert_with_every_kind_of_value():
    dump = SCHEMA + (
        b"INSERT INTO `comments` VALUES ('a/1',1,'It\\'s \\\"quoted\\\"\\n\\\\ok',4.50),"
        b"('a/1',2,'semi; colon), and ''doubled''',NULL),('a/1',-3,'\\0\\Z\\t',0x4142);\n"
    )
    assert [values for _, values in rows(dump)] == [
        {"sid": b"a/1", "cid": 1, "subject": b'It\'s "quoted"\n\\ok', "points": Decimal("4.50")},
        {"sid": b"a/1", "cid": 2, "subject": b"semi; colon), and 'doubled'", "points": None},
        {"sid": b"a/1", "cid": -3, "subject": b"\x00\x1a\t", "points": b"AB"},
    ]


def test_rows_written_one_per_line_and_with_a_column_list():
    dump = SCHEMA + (
        b"INSERT INTO `comments` VALUES\n('a/1',1,'one',1.00),\n('a/1',2,'two',2.00);\n"
        b"INSERT INTO `comments` (`cid`, `sid`) VALUES (7,'b/2');\n"
    )
    assert [values["cid"] for _, values in rows(dump)] == [1, 2, 7]
    assert rows(dump)[2][1] == {"cid": 7, "sid": b"b/2"}


def test_strings_stay_the_dumps_bytes_for_the_importer_to_decode():
    dump = SCHEMA + b"INSERT INTO `comments` VALUES ('a',1,'caf\xe9 \x93quoted\x94',NULL);\n"
    (_, values), = rows(dump)  # fmt: skip
    assert values["subject"].decode("cp1252") == "café “quoted”"


def test_only_the_tables_asked_for():
    dump = (
        SCHEMA
        + SCHEMA.replace(b"`comments`", b"`other`")
        + (
            b"INSERT INTO `comments` VALUES ('a',1,'x',NULL);\n"
            b"INSERT INTO `other` VALUES ('b',2,'y',NULL);\n"
        )
    )
    assert [table for table, _ in rows(dump, ["other"])] == ["other"]


@pytest.mark.parametrize(
    ("dump", "message"),
    [
        (SCHEMA + b"INSERT INTO `comments` VALUES ('a',1,'x',NULL),\n('a',2,", "cut short"),
        (b"INSERT INTO `nowhere` VALUES (1);\n", "before its CREATE TABLE"),
        (SCHEMA + b"INSERT INTO `comments` VALUES ('a',1);\n", "2 values for 4 columns"),
        (SCHEMA + b"INSERT INTO `comments` VALUES ('a',1,x,NULL);\n", "cannot read the value"),
    ],
)
def test_a_broken_dump_says_what_is_wrong(dump, message):
    with pytest.raises(DumpError, match=message):
        rows(dump)


def test_a_gzipped_dump_reads_the_same(tmp_path):
    dump = SCHEMA + b"INSERT INTO `comments` VALUES ('a',1,'x',NULL);\n"
    plain, packed = tmp_path / "site.sql", tmp_path / "site.sql.gz"
    plain.write_bytes(dump)
    packed.write_bytes(gzip.compress(dump))
    with open_dump(plain) as one, open_dump(packed) as other:
        assert list(read_dump(one)) == list(read_dump(other))


def test_the_scoop_fixture_has_the_rows_its_expected_facts_count():
    expected = json.loads((FIXTURES / "scoop-small.expected.json").read_text())
    with open_dump(FIXTURES / "scoop-small.sql") as dump:
        counts = Counter(row.table for row in read_dump(dump))
    assert counts["users"] == expected["users"]["total"]
    assert counts["stories"] == expected["stories"]["total"]
    assert counts["comments"] == expected["comments"]["total"]
    assert counts["commentratings"] == expected["commentratings"]["rows"]
    assert counts["viewed_stories"] == expected["viewed_stories"]["rows"]
    assert counts["userprefs"] == expected["userprefs"]["rows"]
