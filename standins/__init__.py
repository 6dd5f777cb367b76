"""Stand-ins for outside systems the app cannot reach in development and tests."""
