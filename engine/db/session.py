"""Database engines and the unit of work. Nothing connects until a Database is built."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from engine.errors import ConcurrentUpdate


class Database:
    """An engine plus a session factory, built once per process by the composition root."""

    def __init__(self, url: str, echo: bool = False):
        self.url = url
        self.engine = make_engine(url, echo=echo)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False, autoflush=True)
        # SQLite: reads use a second engine whose transactions start deferred, so a page or a
        # report never waits for (or blocks) the one writer.
        self._read_engine = make_engine(url, echo=echo, for_writing=False) if url.startswith("sqlite") else self.engine
        self._read_sessions = sessionmaker(self._read_engine, expire_on_commit=False, autoflush=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: commits when the block ends normally, rolls back on any exception."""
        session = self._sessions()
        try:
            yield session
            session.commit()
        except StaleDataError:
            session.rollback()
            raise ConcurrentUpdate("the record was changed by someone else at the same time; try again") from None
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session for queries only; never commits."""
        session = self._read_sessions()
        try:
            yield session
        finally:
            # close() ends the transaction without expiring what was loaded, so read models
            # and rows a caller keeps stay readable after the block.
            session.close()

    def dispose(self) -> None:
        self.engine.dispose()
        self._read_engine.dispose()


def make_engine(url: str, echo: bool = False, for_writing: bool = True) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, echo=echo, connect_args={"timeout": 30, "check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin_immediate if for_writing else _sqlite_begin_deferred)
        return engine
    return create_engine(url, echo=echo, pool_pre_ping=True)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # pysqlite's own transaction handling is switched off so that BEGIN IMMEDIATE below takes
    # the write lock at the start of each unit of work: one writer at a time, no upgrade deadlocks.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin_immediate(connection) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def _sqlite_begin_deferred(connection) -> None:
    connection.exec_driver_sql("BEGIN")
