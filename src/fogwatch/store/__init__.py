"""fogwatch store stage: SQLite by default, PostgreSQL as an option, Alembic migrations."""

from fogwatch.store.db import SaveResult, Store

__all__ = ["SaveResult", "Store"]
