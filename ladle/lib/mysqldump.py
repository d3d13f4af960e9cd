"""Reading a `mysqldump` file without a MySQL server: the tables' columns and their rows.

The file is read as a stream of statements, so memory holds one statement at a time whatever
the dump's size (mysqldump splits its extended INSERTs at about 1 MB; the limit here is
generous). Strings come back as the dump's raw bytes: which encoding they are in is a
property of each column (a Scoop site's latin1 columns hold cp1252 bytes), so the importer
decodes them, not the reader. Numbers come back as `int` or `Decimal`, SQL NULL as None.
"""

import gzip
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import BinaryIO

Value = bytes | int | Decimal | None

MAX_STATEMENT = 256 * 1024 * 1024  # no real dump has a statement this long

# One value of an INSERT's row: a quoted string (with MySQL's escapes), a number, NULL, or a
# hexadecimal literal (binary columns dumped with --hex-blob).
_VALUE = re.compile(
    rb"""\s*(?:
        (?:_binary\s*)?'((?:[^'\\]+|\\.|'')*)'
      | 0x([0-9A-Fa-f]*)
      | (-?\d+(?:\.\d*)?(?:[eE][-+]?\d+)?)
      | (NULL)
    )\s*([,)])""",
    re.VERBOSE | re.DOTALL,
)
_ESCAPES = {
    b"0": b"\x00",
    b"b": b"\b",
    b"n": b"\n",
    b"r": b"\r",
    b"t": b"\t",
    b"Z": b"\x1a",
}
_ESCAPE = re.compile(rb"\\(.)|''", re.DOTALL)
_CREATE = re.compile(rb"CREATE TABLE\s+`(?P<table>[^`]+)`\s*\((?P<body>.*)\)", re.DOTALL)
_COLUMN = re.compile(rb"^\s*`(?P<name>[^`]+)`\s", re.MULTILINE)
_INSERT = re.compile(
    rb"INSERT\s+(?:IGNORE\s+)?INTO\s+`(?P<table>[^`]+)`\s*(?:\((?P<columns>[^)]*)\)\s*)?VALUES\s*",
    re.IGNORECASE,
)


class DumpError(ValueError):
    """The file is not a dump this reader understands; the message says where and why."""


@dataclass(frozen=True)
class Row:
    table: str
    values: dict[str, Value]


def _unescape(raw: bytes) -> bytes:
    def replace(match: re.Match) -> bytes:
        if match.group(0) == b"''":
            return b"'"
        char = match.group(1)
        return _ESCAPES.get(char, char)

    return _ESCAPE.sub(replace, raw) if b"\\" in raw or b"''" in raw else raw


def _number(text: bytes) -> int | Decimal:
    return int(text) if text.lstrip(b"-").isdigit() else Decimal(text.decode())


def parse_values(text: bytes, start: int = 0) -> Iterator[list[Value]]:
    """The rows of an INSERT's `VALUES (...), (...)` part, from `start` in `text`."""
    position, end = start, len(text)
    match_value = _VALUE.match
    while position < end:
        while position < end and text[position] in b" \t\r\n,":
            position += 1
        if position >= end or text[position] == 59:  # ";"
            return
        if text[position] != 40:  # "("
            raise DumpError(f"expected '(' at byte {position} of an INSERT")
        position += 1
        row: list[Value] = []
        while True:
            # One match reads a value and the "," or ")" after it.
            match = match_value(text, position)
            if match is None:
                raise DumpError(f"cannot read the value at byte {position} of an INSERT")
            string, hexadecimal, number, _null, separator = match.groups()
            if string is not None:
                row.append(_unescape(string) if b"\\" in string or b"''" in string else string)
            elif number is not None:
                row.append(int(number) if number.lstrip(b"-").isdigit() else _number(number))
            elif hexadecimal is not None:
                row.append(bytes.fromhex(hexadecimal.decode()))
            else:
                row.append(None)
            position = match.end()
            if separator == b")":
                break
        yield row


def statements(stream: BinaryIO) -> Iterator[bytes]:
    """The dump's SQL statements, one at a time, without comment lines.

    mysqldump never writes a raw line break inside a string (it writes `\n`), so a statement
    ends with the line whose last character is `;`, and a line starting with `--` between
    statements is a comment.
    """
    parts: list[bytes] = []
    size = 0
    for line in stream:
        if not parts and (line.startswith(b"--") or not line.strip()):
            continue
        parts.append(line)
        size += len(line)
        if size > MAX_STATEMENT:
            raise DumpError("a statement is longer than 256 MB: is this a mysqldump file?")
        if line.rstrip().endswith(b";"):
            yield b"".join(parts).strip()
            parts, size = [], 0
    if parts and b"".join(parts).strip():
        raise DumpError("the dump ends in the middle of a statement: it is cut short")


@dataclass(frozen=True)
class Insert:
    """One INSERT statement of the dump, not yet parsed: its table, the table's columns, and
    where its rows start. Parsing (`rows`) can then happen elsewhere (another process)."""

    table: str
    columns: list[str]
    statement: bytes
    start: int

    def rows(self) -> Iterator[dict[str, Value]]:
        for values in parse_values(self.statement, self.start):
            if len(values) != len(self.columns):
                raise DumpError(
                    f"a row of {self.table!r} has {len(values)} values for "
                    f"{len(self.columns)} columns"
                )
            yield dict(zip(self.columns, values, strict=True))


def inserts(stream: BinaryIO, tables: Iterable[str] | None = None) -> Iterator[Insert]:
    """Every INSERT of the dump's tables (only of `tables`, when given), in dump order."""
    wanted = set(tables) if tables is not None else None
    columns: dict[str, list[str]] = {}
    for statement in statements(stream):
        head = statement[:40].upper()
        if head.startswith(b"CREATE TABLE"):
            created = _CREATE.match(statement)
            if created:
                table = created.group("table").decode()
                body = created.group("body")
                columns[table] = [m.group("name").decode() for m in _COLUMN.finditer(body)]
            continue
        insert = _INSERT.match(statement)
        if insert is None:
            continue
        table = insert.group("table").decode()
        if wanted is not None and table not in wanted:
            continue
        if insert.group("columns"):
            names = [name.strip(" `") for name in insert.group("columns").decode().split(",")]
        elif table in columns:
            names = columns[table]
        else:
            raise DumpError(f"rows for table {table!r} come before its CREATE TABLE")
        yield Insert(table, names, statement, insert.end())


def read_dump(stream: BinaryIO, tables: Iterable[str] | None = None) -> Iterator[Row]:
    """Every row of the dump's tables (only of `tables`, when given), in dump order."""
    for insert in inserts(stream, tables):
        for values in insert.rows():
            yield Row(insert.table, values)


def open_dump(path: Path) -> BinaryIO:
    """A dump file, gzipped (`.gz`) or not, opened for streaming."""
    if path.suffix == ".gz":
        return gzip.open(path, "rb")  # type: ignore[return-value]
    return path.open("rb")
