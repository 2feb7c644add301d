"""Models of the residents app."""
