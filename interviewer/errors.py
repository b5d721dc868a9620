"""The domain's error hierarchy. The CLI and the API turn these into messages and status codes."""


class MockInterviewerError(Exception):
    """Base class for every error this project raises on purpose."""


class ConfigError(MockInterviewerError):
    """A setting is missing or wrong; the message names the variable and what would be right."""


class CorpusError(MockInterviewerError):
    """A corpus or user file cannot be used; the message names the file (and line, when known)."""


class InputError(MockInterviewerError):
    """The user's request is malformed: unknown round, unknown question id, empty file..."""


class ProviderError(MockInterviewerError):
    """An outside service (LLM endpoint, vector store server) failed or misbehaved."""


class SessionNotFound(MockInterviewerError):
    """No session with that id exists for this user."""


class SessionConflict(MockInterviewerError):
    """Other requests kept changing the session first; nothing of this request was stored (retry it)."""


class IdempotencyKeyReused(MockInterviewerError):
    """An idempotency key came back with a different request than the one it was first used for."""
