"""Models of the integrations app: API keys, cameras, duty rosters."""
