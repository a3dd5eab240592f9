"""fogwatch web stage."""
