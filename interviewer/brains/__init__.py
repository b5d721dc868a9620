"""Brains turn the engine's planned move into the interviewer's words: offline, llm, fake."""

from interviewer.brains.base import Brain, BrainContext, Move

__all__ = ["Brain", "BrainContext", "Move"]
