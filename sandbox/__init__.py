"""The code sandbox adapter: candidate code run under bubblewrap with rlimits; a scripted fake beside it."""
