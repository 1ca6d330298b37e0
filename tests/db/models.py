"""The models of the data battery's tests: users with posts."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kolben.db import SQLAlchemy

db = SQLAlchemy()


class User(db.Model):  # type: ignore[name-defined,misc]
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    posts: Mapped[list[Post]] = relationship(
        back_populates="author", order_by="Post.id", cascade="all, delete-orphan"
    )


class Post(db.Model):  # type: ignore[name-defined,misc]
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(120))
    created: Mapped[dt.datetime] = mapped_column(default=dt.datetime.now)
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    author: Mapped[User] = relationship(back_populates="posts")
