"""fogwatch nlp stage."""
