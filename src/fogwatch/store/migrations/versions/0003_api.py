"""API tables: full-text search over claims, and API tokens.

Search indexes each claim's evidence sentence, its document's title, its place names and
the actors it names (perpetrators, targets, claimant, outlet), so one box finds incidents
by what was said, where, and by or about whom. The index is kept by database triggers,
not by application code, so every writer (ingest, linker, imports) keeps it current:

- SQLite: an FTS5 table `search_fts` (porter stemming, diacritics folded);
- PostgreSQL: a `claim_search` table holding a weighted `tsvector` with a GIN index.

`api_tokens` keeps only the SHA-256 of each bearer token (see fogwatch.store.tokens).

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# --------------------------------------------------------------------------- SQLite

# One expression per FTS column, written against a claims row alias `{c}` so the same
# text serves the triggers (NEW) and the backfill (a plain alias).
SQLITE_COLUMNS = {
    "evidence": "coalesce(json_extract({c}.record, '$.evidence.text'), '')",
    "title": "coalesce((SELECT title FROM documents WHERE id = {c}.document_id), '')",
    "places": (
        "coalesce(json_extract({c}.record, '$.location.name'), '') || ' ' || "
        "coalesce(json_extract({c}.record, '$.location.admin1'), '') || ' ' || "
        "coalesce((SELECT group_concat(value, ' ') FROM json_tree({c}.record, '$.place_mentions')"
        " WHERE key = 'text'), '')"
    ),
    "actors": (
        "coalesce((SELECT group_concat(value, ' ') FROM json_tree({c}.record, '$.perpetrators') "
        "WHERE type = 'text'), '') || ' ' || "
        "coalesce((SELECT group_concat(value, ' ') FROM json_tree({c}.record, '$.targets') "
        "WHERE type = 'text'), '') || ' ' || "
        "coalesce((SELECT group_concat(value, ' ') FROM json_tree({c}.record, '$.claimant') "
        "WHERE type = 'text' AND key != 'kind'), '') || ' ' || coalesce({c}.outlet, '')"
    ),
}


def _sqlite_insert(alias: str) -> str:
    cols = ", ".join(SQLITE_COLUMNS)
    values = ", ".join(expr.format(c=alias) for expr in SQLITE_COLUMNS.values())
    return f"INSERT INTO search_fts (claim_id, {cols}) SELECT {alias}.id, {values}"


def _upgrade_sqlite() -> None:
    op.execute(
        "CREATE VIRTUAL TABLE search_fts USING fts5("
        "claim_id UNINDEXED, evidence, title, places, actors, "
        "tokenize = 'porter unicode61 remove_diacritics 2')"
    )
    new = _sqlite_insert("NEW")
    op.execute(f"CREATE TRIGGER claims_search_ai AFTER INSERT ON claims BEGIN {new}; END")
    op.execute(
        "CREATE TRIGGER claims_search_au AFTER UPDATE OF record, outlet ON claims BEGIN "
        f"DELETE FROM search_fts WHERE claim_id = OLD.id; {new}; END"
    )
    op.execute(
        "CREATE TRIGGER claims_search_ad AFTER DELETE ON claims BEGIN "
        "DELETE FROM search_fts WHERE claim_id = OLD.id; END"
    )
    op.execute(
        "CREATE TRIGGER documents_search_au AFTER UPDATE OF title ON documents BEGIN "
        "UPDATE search_fts SET title = coalesce(NEW.title, '') "
        "WHERE claim_id IN (SELECT id FROM claims WHERE document_id = NEW.id); END"
    )
    op.execute(_sqlite_insert("c") + " FROM claims AS c")


def _downgrade_sqlite() -> None:
    for trigger in ("claims_search_ai", "claims_search_au", "claims_search_ad"):
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    op.execute("DROP TRIGGER IF EXISTS documents_search_au")
    op.execute("DROP TABLE IF EXISTS search_fts")


# --------------------------------------------------------------------------- PostgreSQL

PG_TSV_FUNCTION = """
CREATE OR REPLACE FUNCTION fogwatch_claim_tsv(record jsonb, outlet text, title text)
RETURNS tsvector LANGUAGE sql IMMUTABLE AS $$
  SELECT
    setweight(to_tsvector('english', coalesce(record #>> '{evidence,text}', '')), 'A') ||
    setweight(to_tsvector('english', coalesce(title, '')), 'B') ||
    setweight(to_tsvector('english',
      coalesce(record #>> '{location,name}', '') || ' ' ||
      coalesce(record #>> '{location,admin1}', '') || ' ' ||
      coalesce((SELECT string_agg(m ->> 'text', ' ')
                FROM jsonb_array_elements(
                  CASE WHEN jsonb_typeof(record -> 'place_mentions') = 'array'
                       THEN record -> 'place_mentions' ELSE '[]'::jsonb END) AS m), '')), 'B') ||
    setweight(jsonb_to_tsvector('english',
      jsonb_build_array(record -> 'perpetrators', record -> 'targets', record -> 'claimant'),
      '["string"]'), 'C') ||
    setweight(to_tsvector('english', coalesce(outlet, '')), 'C')
$$
"""

PG_TRIGGER_FUNCTIONS = """
CREATE OR REPLACE FUNCTION fogwatch_claim_search_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO claim_search (claim_id, tsv)
  VALUES (NEW.id, fogwatch_claim_tsv(NEW.record::jsonb, NEW.outlet,
          (SELECT title FROM documents WHERE id = NEW.document_id)))
  ON CONFLICT (claim_id) DO UPDATE SET tsv = EXCLUDED.tsv;
  RETURN NEW;
END $$;

CREATE OR REPLACE FUNCTION fogwatch_document_search_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  UPDATE claim_search AS s
     SET tsv = fogwatch_claim_tsv(c.record::jsonb, c.outlet, NEW.title)
    FROM claims AS c
   WHERE c.id = s.claim_id AND c.document_id = NEW.id;
  RETURN NEW;
END $$;
"""


def _upgrade_postgresql() -> None:
    op.create_table(
        "claim_search",
        sa.Column(
            "claim_id",
            sa.String(length=60),
            sa.ForeignKey("claims.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("tsv", postgresql.TSVECTOR(), nullable=False),
    )
    op.create_index("ix_claim_search_tsv", "claim_search", ["tsv"], postgresql_using="gin")
    op.execute(PG_TSV_FUNCTION)
    op.execute(PG_TRIGGER_FUNCTIONS)
    op.execute(
        "CREATE TRIGGER claims_search_aiu AFTER INSERT OR UPDATE OF record, outlet ON claims "
        "FOR EACH ROW EXECUTE FUNCTION fogwatch_claim_search_trigger()"
    )
    op.execute(
        "CREATE TRIGGER documents_search_au AFTER UPDATE OF title ON documents "
        "FOR EACH ROW EXECUTE FUNCTION fogwatch_document_search_trigger()"
    )
    op.execute(
        "INSERT INTO claim_search (claim_id, tsv) "
        "SELECT c.id, fogwatch_claim_tsv(c.record::jsonb, c.outlet, d.title) "
        "FROM claims AS c JOIN documents AS d ON d.id = c.document_id"
    )


def _downgrade_postgresql() -> None:
    op.execute("DROP TRIGGER IF EXISTS documents_search_au ON documents")
    op.execute("DROP TRIGGER IF EXISTS claims_search_aiu ON claims")
    op.execute("DROP FUNCTION IF EXISTS fogwatch_document_search_trigger()")
    op.execute("DROP FUNCTION IF EXISTS fogwatch_claim_search_trigger()")
    op.execute("DROP FUNCTION IF EXISTS fogwatch_claim_tsv(jsonb, text, text)")
    op.drop_index("ix_claim_search_tsv", table_name="claim_search")
    op.drop_table("claim_search")


# --------------------------------------------------------------------------- both


def upgrade() -> None:
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(), server_default=sa.text("CURRENT_TIMESTAMP"), nullable=False
        ),
        sa.Column("last_used_at", sa.DateTime(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash", name="uq_api_tokens_token_hash"),
    )
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        _upgrade_sqlite()
    elif dialect == "postgresql":
        _upgrade_postgresql()


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        _downgrade_sqlite()
    elif dialect == "postgresql":
        _downgrade_postgresql()
    op.drop_table("api_tokens")
