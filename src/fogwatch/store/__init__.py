"""fogwatch store stage."""
