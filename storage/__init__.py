"""Piiri's store: SQLAlchemy models, repositories, the engine factory and migrations.

This package is the only place in Piiri that knows SQL. Domain code gets a `Transaction`
from `Store.transaction()` and calls repository methods on it.
"""
