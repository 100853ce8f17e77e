"""Schema extensions of our own (see each module)."""
