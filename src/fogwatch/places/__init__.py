"""fogwatch places stage."""
