"""Fast tests: fakes, SQLite, no model, no server, no subprocess."""
