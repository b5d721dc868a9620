"""Users and their API keys. Keys are random tokens; only their sha256 is stored."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass

from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

from interviewer.errors import InputError
from interviewer.store.models import ApiKeyRow, UserRow

LOCAL_USER = "local"
KEY_PREFIX = "mi_"


@dataclass(frozen=True)
class User:
    id: str
    name: str


def hash_key(api_key: str) -> str:
    """The stored form of a key."""
    return hashlib.sha256(api_key.encode("utf-8")).hexdigest()


class UserStore:
    """Creates users, issues keys, and resolves a presented key to its user."""

    def __init__(self, engine: Engine) -> None:
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    def get_or_create(self, name: str) -> User:
        """The user called `name`, created if new (also when several workers create it at once)."""
        name = name.strip()
        if not name or len(name) > 200:
            raise InputError("a user name must be 1-200 characters")
        existing = self.by_name(name)
        if existing is not None:
            return existing
        row = UserRow(id=uuid.uuid4().hex, name=name)
        try:
            with self._sessions.begin() as db:
                db.add(row)
        except IntegrityError:  # another worker inserted it between our read and our insert
            created = self.by_name(name)
            if created is None:
                raise
            return created
        return User(row.id, row.name)

    def by_name(self, name: str) -> User | None:
        with self._sessions() as db:
            row = db.scalar(select(UserRow).where(UserRow.name == name))
            return None if row is None else User(row.id, row.name)

    def issue_key(self, user: User, *, label: str = "") -> str:
        """A new key for the user; returned once, stored only as a hash."""
        api_key = KEY_PREFIX + secrets.token_urlsafe(32)
        with self._sessions.begin() as db:
            db.add(ApiKeyRow(user_id=user.id, key_hash=hash_key(api_key), label=label))
        return api_key

    def authenticate(self, api_key: str) -> User | None:
        """The key's user, or None for an unknown key."""
        query = (
            select(UserRow)
            .join(ApiKeyRow, ApiKeyRow.user_id == UserRow.id)
            .where(ApiKeyRow.key_hash == hash_key(api_key))
        )
        with self._sessions() as db:
            row = db.scalar(query)
            return None if row is None else User(row.id, row.name)

    def add_user_with_key(self, name: str) -> tuple[User, str]:
        """`users add NAME`: the user (created or reused) and a fresh key."""
        user = self.get_or_create(name)
        return user, self.issue_key(user, label="users add")
