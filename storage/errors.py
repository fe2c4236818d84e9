"""What the rest of Piiri may ask about a store failure, without knowing SQLAlchemy."""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError, OperationalError


def is_transient(exc: BaseException) -> bool:
    """A lock timeout or a lost connection: trying the same work again may succeed."""
    if isinstance(exc, OperationalError):
        return True
    return isinstance(exc, DBAPIError) and bool(exc.connection_invalidated)
