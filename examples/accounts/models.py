"""Users, and the JWTs revoked before they expire."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from kolben.db import SQLAlchemy
from kolben.login import UserMixin
from kolben.security import check_password_hash, generate_password_hash

db = SQLAlchemy()


class User(UserMixin, db.Model):  # type: ignore[name-defined,misc]
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))

    def set_password(self, password: str) -> None:
        """Store a hash of ``password``, never the password."""
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        """Return whether ``password`` is this user's."""
        return check_password_hash(self.password_hash, password)


class RevokedToken(db.Model):  # type: ignore[name-defined,misc]
    """A token logged out before it expired, by its ``jti`` claim."""

    jti: Mapped[str] = mapped_column(String(36), primary_key=True)
    revoked_at: Mapped[dt.datetime] = mapped_column(default=dt.datetime.now)
