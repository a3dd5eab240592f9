"""fogwatch incidents stage."""
