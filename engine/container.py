"""The engine's composition root: settings, database, clock, operators and caches in one object.

`Ipflow.create(settings)` is called by the CLI, the web app factory and the worker; nothing
connects at import time. Services take an `Ipflow` as their first argument.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from threading import Lock
from typing import Generic, TypeVar
from zoneinfo import ZoneInfo

from engine.clock import Clock, SystemClock
from engine.db.session import Database
from engine.runtime.operators import OperatorRegistry
from engine.runtime.sandbox import Sandbox
from engine.settings import Settings

K = TypeVar("K")
V = TypeVar("V")


class BoundedCache(Generic[K, V]):
    """A small thread-safe LRU for immutable things (deployed specs, parsed forms)."""

    def __init__(self, size: int = 256):
        self._size = size
        self._items: OrderedDict[K, V] = OrderedDict()
        self._lock = Lock()

    def get(self, key: K, load: Callable[[], V]) -> V:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        value = load()
        with self._lock:
            self._items[key] = value
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return value


@dataclass
class Ipflow:
    settings: Settings
    db: Database
    clock: Clock
    operators: OperatorRegistry
    specs: BoundedCache = field(default_factory=BoundedCache)
    forms: BoundedCache = field(default_factory=lambda: BoundedCache(1024))

    @classmethod
    def create(
        cls,
        settings: Settings,
        clock: Clock | None = None,
        operators: OperatorRegistry | None = None,
        database: Database | None = None,
    ) -> Ipflow:
        if operators is None:
            from engine.operators import default_operators

            operators = default_operators()
        return cls(
            settings=settings,
            db=database or Database(settings.database_url),
            clock=clock or SystemClock(),
            operators=operators,
        )

    def sandbox(self) -> Sandbox:
        """A sandbox with the helpers analysts may call: time limits on the office calendar."""
        return Sandbox(helpers=self.script_helpers, time_limit=self.settings.sandbox_time_limit)

    @cached_property
    def script_helpers(self) -> dict:
        from engine.domain.time_limits import time_limit_helpers

        return time_limit_helpers(self.calendar, self.settings.office_timezone)

    @cached_property
    def office_zone(self) -> ZoneInfo:
        return ZoneInfo(self.settings.office_timezone)

    @cached_property
    def calendar(self):
        from engine.domain.calendar import OfficeCalendar

        return OfficeCalendar.from_settings(self.settings)

    @cached_property
    def documents(self):
        from engine.domain.documents import DocumentStore

        return DocumentStore(self.settings.instance_path / "documents")

    @cached_property
    def mail_transport(self):
        from engine.services.mail import SmtpTransport

        return SmtpTransport(self.settings.mail)

    @cached_property
    def letters(self):
        """forms/letters/ with the letters deployed from the studio in place of their files."""
        from engine.domain.letters import LetterRenderer
        from engine.services.letter_store import DeployedLetters

        return LetterRenderer(self.settings.forms_path / "letters", stored=DeployedLetters(self.db))
