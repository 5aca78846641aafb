"""Engine and session handling for SQLite (embedded default) and PostgreSQL."""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, Select, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(database_url: str) -> Engine:
    """An engine for `database_url`; SQLite files get their folder, WAL mode and foreign keys."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 10})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    # No pre-ping: it costs a round trip per checkout; a connection dropped by a server restart is
    # discarded on its first error, and recycling keeps idle ones from going stale behind proxies.
    return create_engine(url, pool_recycle=300, pool_size=5, max_overflow=10)


class Database:
    """One engine and its session factory; `session()` is one unit of work."""

    def __init__(self, database_url: str) -> None:
        self.url = database_url
        self.engine = make_engine(database_url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session that commits when the block ends and rolls back on error."""
        with self._sessions() as session, session.begin():
            yield session

    def hot_select(self, statement: Select) -> HotSelect:
        return HotSelect(self.engine, statement)

    def ping(self) -> bool:
        """True when the database answers a trivial query."""
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except Exception:  # noqa: BLE001 - any failure means "not healthy"
            return False
        return True

    def dispose(self) -> None:
        self.engine.dispose()


class HotSelect:
    """A read-only SELECT that runs on nearly every request (the team lookup), without SQLAlchemy's
    per-execution work: compiled once for the engine's dialect, run on a pooled DBAPI connection,
    each value typed by its column's own result processor (the same rows Connection.execute gives).

    Every call asks the database: it sees every transaction committed before it started, in this
    process or any other. On PostgreSQL it runs in autocommit, so it is one round trip (no BEGIN, and
    no ROLLBACK when the connection goes back to the pool); SQLite's driver opens no transaction for a
    SELECT. A connection that fails is invalidated, as SQLAlchemy does after a disconnect.
    """

    def __init__(self, engine: Engine, statement: Select) -> None:
        dialect = engine.dialect
        compiled = statement.compile(dialect=dialect)
        columns = list(statement.selected_columns)
        self.engine = engine
        self.sql = str(compiled)
        self.positional = tuple(compiled.positiontup or ()) if compiled.positional else None
        self.autocommit = dialect.name != "sqlite"
        self.Row = namedtuple("Row", [column.key for column in columns])  # type: ignore[misc]
        self._types = [column.type.dialect_impl(dialect) for column in columns]
        self._processors: list[tuple[int, Callable[[Any], Any]]] | None = None  # from the first result

    def _processors_for(self, description: Any) -> list[tuple[int, Callable[[Any], Any]]]:
        """(column index, result processor) of the columns that have one; some depend on the type the
        driver reports (cursor.description), so they are made from the first result."""
        dialect = self.engine.dialect
        found = []
        for index, (type_, column) in enumerate(zip(self._types, description, strict=True)):
            process = type_.result_processor(dialect, column[1])
            if process is not None:
                found.append((index, process))
        return found

    def rows(self, **params: Any) -> list[Any]:
        """The rows for these bound parameters, as named tuples."""
        args: Any = tuple(params[name] for name in self.positional) if self.positional is not None else params
        connection = self.engine.raw_connection()
        try:
            driver = connection.driver_connection
            if self.autocommit:
                driver.autocommit = True
            cursor = connection.cursor()
            cursor.execute(self.sql, args)
            raw_rows = cursor.fetchall()
            if self._processors is None:
                self._processors = self._processors_for(cursor.description)
            cursor.close()
            if self.autocommit:
                driver.autocommit = False
        except BaseException:
            connection.invalidate()
            raise
        finally:
            connection.close()
        processors = self._processors
        if not processors:
            return [self.Row(*row) for row in raw_rows]
        rows = []
        for raw in raw_rows:
            values = list(raw)
            for index, process in processors:
                values[index] = process(values[index])
            rows.append(self.Row(*values))
        return rows
