"""The request-scoped consistency flag read by the database router.

A ContextVar is private to each thread and to each asyncio task (asgiref copies
the context into the threads that run sync code under ASGI), so concurrent
requests never see each other's flag. Code that runs outside any request
(management commands, jobs, the shell) sees no flag at all and is treated as
strong: reading the primary is the safe default.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from aframp.paths import Consistency

_current: ContextVar[Consistency | None] = ContextVar("aframp_consistency", default=None)


def current_consistency() -> Consistency:
    """The consistency the code running now has asked for (strong outside requests)."""
    return _current.get() or Consistency.STRONG


def reads_may_use_replica() -> bool:
    return current_consistency() is Consistency.EVENTUAL


@contextmanager
def consistency(level: Consistency) -> Iterator[None]:
    """Run a block under `level`, restoring the previous level on exit, errors included."""
    token = _current.set(level)
    try:
        yield
    finally:
        _current.reset(token)


def use_primary():
    """Force every read of a block onto the primary; a context manager and a decorator.

    >>> with use_primary():
    ...     balance = selectors.balance(user=user)
    """
    return consistency(Consistency.STRONG)
