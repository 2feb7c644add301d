"""Models of the party app."""
