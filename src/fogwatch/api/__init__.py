"""fogwatch api stage."""
