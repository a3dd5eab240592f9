"""fogwatch ingest stage."""
