"""Where an old site's rows come from: a mysqldump file, or a live MySQL/MariaDB database.

Both give each table's rows as dicts of raw values, strings as the database's bytes (which
encoding they are in is the importer's business), numbers as numbers, NULL as None.
"""

import gzip
import hashlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO, Protocol
from urllib.parse import unquote, urlsplit

from ladle.lib.mysqldump import Insert, Row, inserts, read_dump


class Source(Protocol):
    name: str
    size: int | None

    def rows(self, tables: Iterable[str]) -> Iterator[Row]: ...

    def position(self) -> int: ...

    def digest(self) -> str | None: ...


class DumpFile:
    """A `.sql` or `.sql.gz` file, read as a stream, once per pass."""

    def __init__(self, path: Path):
        self.path = path
        self.name = str(path)
        self.size = path.stat().st_size
        self._raw: BinaryIO | None = None

    def _open(self) -> BinaryIO:
        self._raw = self.path.open("rb")
        head = self._raw.read(2)
        self._raw.seek(0)
        if head == b"\x1f\x8b":
            return gzip.GzipFile(fileobj=self._raw)  # type: ignore[return-value]
        return self._raw

    def rows(self, tables: Iterable[str]) -> Iterator[Row]:
        stream = self._open()
        try:
            yield from read_dump(stream, tables)
        finally:
            stream.close()
            if self._raw is not None:
                self._raw.close()

    def inserts(self, tables: Iterable[str]) -> Iterator[Insert]:
        """The INSERT statements of `tables`, unparsed (for parsing in worker processes)."""
        stream = self._open()
        try:
            yield from inserts(stream, tables)
        finally:
            stream.close()
            if self._raw is not None:
                self._raw.close()

    def position(self) -> int:
        """How far the current pass has read, in bytes of the file itself."""
        try:
            return self._raw.tell() if self._raw is not None and not self._raw.closed else 0
        except ValueError:
            return 0

    def digest(self) -> str:
        sha = hashlib.sha256()
        with self.path.open("rb") as file:
            while chunk := file.read(1 << 20):
                sha.update(chunk)
        return sha.hexdigest()


class MySQLDatabase:
    """A running Scoop database, `mysql://user:password@host:port/database`, read table by
    table with an unbuffered cursor (rows stream; nothing is held but the current one)."""

    def __init__(self, url: str):
        import pymysql
        from pymysql.constants import FIELD_TYPE
        from pymysql.converters import conversions

        parts = urlsplit(url)
        if parts.scheme not in ("mysql", "mariadb") or not parts.path.strip("/"):
            raise ValueError("give the database as mysql://user:password@host:port/database")
        # Dates and decimals stay text, as in a dump: Scoop's '0000-00-00 00:00:00' is no
        # datetime, and the importer reads decimals itself.
        conv = dict(conversions)
        for kind in (
            FIELD_TYPE.DATETIME,
            FIELD_TYPE.TIMESTAMP,
            FIELD_TYPE.DATE,
            FIELD_TYPE.DECIMAL,
            FIELD_TYPE.NEWDECIMAL,
        ):
            conv.pop(kind, None)
        self.connection = pymysql.connect(
            host=parts.hostname or "127.0.0.1",
            port=parts.port or 3306,
            user=unquote(parts.username or "root"),
            password=unquote(parts.password or ""),
            database=parts.path.strip("/"),
            charset="latin1",
            use_unicode=False,
            conv=conv,
            cursorclass=pymysql.cursors.SSCursor,
        )
        self.name = f"{parts.hostname}/{parts.path.strip('/')}"
        self.size = None
        self.read = 0

    def rows(self, tables: Iterable[str]) -> Iterator[Row]:
        with self.connection.cursor() as cursor:
            cursor.execute("SHOW TABLES")
            present = {name.decode() for (name,) in cursor.fetchall()}
        for table in tables:
            if table not in present:
                continue
            with self.connection.cursor() as cursor:
                cursor.execute(f"SELECT * FROM `{table}`")
                names = [column[0] for column in cursor.description]
                for values in cursor:
                    self.read += 1
                    yield Row(table, dict(zip(names, values, strict=True)))

    def position(self) -> int:
        return self.read

    def digest(self) -> None:
        return None  # a live database has no fixed contents to recognise
