"""Loading many rows fast and in bounded memory: ids handed out in blocks, and staging tables.

An import streams its source once. Rows that must wait for something later in the file (a
comment waits for its story, its parent and its ratings) go into a temporary staging table,
then come back one story at a time, so memory holds one thread, never the whole site.
"""

from collections.abc import Iterator, Sequence

from django.db import connection, models

BATCH = 2000


class IdBlock:
    """Primary keys for rows of `model` created with explicit ids, so a reply can name its
    parent's id before either is written. On PostgreSQL the ids come from the table's own
    sequence (no concurrent writer can take them); on SQLite the import's transaction holds
    the database's write lock, so the next ids after the highest are ours."""

    def __init__(self, model: type[models.Model]):
        self.table = model._meta.db_table
        self.next = 0

    def take(self, count: int) -> list[int]:
        if count == 0:
            return []
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                    [self.table, count],
                )
                return [row[0] for row in cursor.fetchall()]
            if not self.next:
                cursor.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{self.table}"')
                self.next = cursor.fetchone()[0] + 1
        first, self.next = self.next, self.next + count
        return list(range(first, self.next))


class Stage:
    """A temporary table of rows waiting to be placed, read back by a key column."""

    def __init__(self, name: str, columns: Sequence[tuple[str, str]], *, key: str, order: str):
        self.name = f"ladle_stage_{name}"
        self.columns = [column for column, _ in columns]
        self.key, self.order = key, order
        self.buffer: list[tuple] = []
        self.count = 0
        definition = ", ".join(f"{column} {kind}" for column, kind in columns)
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {self.name}")
            cursor.execute(f"CREATE TEMPORARY TABLE {self.name} ({definition})")
        placeholders = ", ".join(["%s"] * len(self.columns))
        self.insert = f"INSERT INTO {self.name} ({', '.join(self.columns)}) VALUES ({placeholders})"

    def add(self, row: tuple) -> None:
        self.buffer.append(row)
        self.count += 1
        if len(self.buffer) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if self.buffer:
            write(self.name, self.columns, self.buffer)
            self.buffer = []

    def finish(self) -> None:
        """All rows are in: index the table by its key for reading back."""
        self.flush()
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE INDEX {self.name}_key ON {self.name} ({self.key}, {self.order})"
            )
            if connection.vendor == "postgresql":
                cursor.execute(f"ANALYZE {self.name}")

    def keys(self) -> list:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT DISTINCT {self.key} FROM {self.name}")
            return [row[0] for row in cursor.fetchall()]

    def rows_for(self, key) -> list[tuple]:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {', '.join(self.columns)} FROM {self.name} "
                f"WHERE {self.key} = %s ORDER BY {self.order}",
                [key],
            )
            return cursor.fetchall()

    def drop(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {self.name}")


def batched(items: Sequence, size: int = BATCH) -> Iterator[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def insert_rows(model: type[models.Model], columns: Sequence[str], rows: Sequence[tuple]) -> None:
    """INSERT rows of `model` (values in the order of `columns`, attribute names, times
    already adapted with `connection.ops.adapt_datetimefield_value`) in batches, straight
    through the cursor: `bulk_create` compiles every value through the ORM, which was most
    of an import's time."""
    if not rows:
        return
    names = {f.attname: str(f.column) for f in model._meta.concrete_fields}
    write(model._meta.db_table, [names[c] for c in columns], rows)


def write(table: str, columns: Sequence[str], rows: Sequence[tuple]) -> None:
    """Rows into a table: PostgreSQL's COPY (many times faster than INSERTs), else a prepared
    INSERT run for every row (SQLite's fastest way in)."""
    quote = connection.ops.quote_name
    names = ", ".join(quote(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {quote(table)} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        sql = f"INSERT INTO {quote(table)} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"
        for batch in batched(rows):
            cursor.executemany(sql, batch)
