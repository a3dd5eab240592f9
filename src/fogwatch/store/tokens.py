"""Bearer tokens for the write side of the API (`POST /api/ingest`).

A token is shown once, when it is created, and only its SHA-256 is stored: a copy of
the database (a backup, a shared demo file) then grants nobody write access. Tokens are
long random strings, so a plain hash (no salt, no slow KDF) is enough: there is nothing
to brute-force, and lookup by hash stays a single indexed query.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import Column, DateTime, MetaData, String, Table, func, select, update

from fogwatch.store.db import Store

TOKEN_PREFIX = "fw_"

# The table lives in migration 0003; it is declared here, on its own metadata, because
# only this module reads or writes it.
metadata = MetaData()
api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", String(16), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", DateTime, server_default=func.now(), nullable=False),
    Column("last_used_at", DateTime),
    Column("revoked_at", DateTime),
)


@dataclass(frozen=True)
class TokenInfo:
    """What may be shown about a token after its creation: never the token itself."""

    id: str
    name: str
    created_at: dt.datetime | None
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def create_token(store: Store, name: str = "default") -> tuple[str, TokenInfo]:
    """Make a new token; returns the secret (to print once) and its stored description."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token_id = secrets.token_hex(4)
    created = _now()
    with store.engine.begin() as conn:
        conn.execute(
            api_tokens.insert().values(
                id=token_id, name=name, token_hash=hash_token(token), created_at=created
            )
        )
    return token, TokenInfo(token_id, name, created, None, None)


def verify_token(store: Store, token: str | None) -> TokenInfo | None:
    """The live token matching `token`, or None. Records when it was last used."""
    if not token or not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    digest = hash_token(token)
    with store.engine.begin() as conn:
        row = conn.execute(
            select(api_tokens).where(
                api_tokens.c.token_hash == digest, api_tokens.c.revoked_at.is_(None)
            )
        ).first()
        if row is None or not secrets.compare_digest(row.token_hash, digest):
            return None
        conn.execute(
            update(api_tokens).where(api_tokens.c.id == row.id).values(last_used_at=_now())
        )
    return TokenInfo(row.id, row.name, row.created_at, row.last_used_at, row.revoked_at)


def list_tokens(store: Store) -> list[TokenInfo]:
    with store.engine.connect() as conn:
        rows = conn.execute(select(api_tokens).order_by(api_tokens.c.created_at)).all()
    return [TokenInfo(r.id, r.name, r.created_at, r.last_used_at, r.revoked_at) for r in rows]


def revoke_token(store: Store, token_id: str) -> bool:
    """Revoke by id (as `token list` shows it); False when there is no live token so named."""
    with store.engine.begin() as conn:
        result = conn.execute(
            update(api_tokens)
            .where(api_tokens.c.id == token_id, api_tokens.c.revoked_at.is_(None))
            .values(revoked_at=_now())
        )
    return result.rowcount > 0
