"""Tests of the real things: the MiniLM model, servers on 127.0.0.1, PostgreSQL, CLI subprocesses."""
