"""The example's models: an author has many books."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kolben.db import SQLAlchemy

db = SQLAlchemy()


class Author(db.Model):  # type: ignore[name-defined,misc]
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    books: Mapped[list[Book]] = relationship(
        back_populates="author", cascade="all, delete-orphan", order_by="Book.id"
    )

    def to_json(self) -> dict[str, object]:
        """Return the author as the API shows it."""
        return {"id": self.id, "name": self.name}


class Book(db.Model):  # type: ignore[name-defined,misc]
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    year: Mapped[int | None]
    created: Mapped[dt.datetime] = mapped_column(default=dt.datetime.now)
    author_id: Mapped[int] = mapped_column(ForeignKey("author.id"), index=True)
    author: Mapped[Author] = relationship(back_populates="books")

    def to_json(self) -> dict[str, object]:
        """Return the book as the API shows it."""
        return {
            "id": self.id,
            "title": self.title,
            "year": self.year,
            "author_id": self.author_id,
        }
