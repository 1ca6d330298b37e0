"""What the API reads and answers: pydantic models, validated by kolben.api."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

# Not blank: at least one character that is not whitespace. A pattern, not
# stripping, so that the OpenAPI document says exactly what is accepted.
Name = Annotated[str, StringConstraints(min_length=1, max_length=120, pattern=r"\S")]
Title = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=r"\S")]
Year = Annotated[int, Field(ge=-3000, le=3000)]


class AuthorIn(BaseModel):
    """A new author, or a new name for one."""

    model_config = ConfigDict(extra="forbid")
    name: Name


class AuthorOut(BaseModel):
    """An author as the API shows one."""

    id: int
    name: str


class AuthorDetail(AuthorOut):
    """An author, with the number of their books."""

    books: int


class BookIn(BaseModel):
    """A new book."""

    model_config = ConfigDict(extra="forbid")
    title: Title
    year: Year | None = None


class BookPatch(BaseModel):
    """What may change in a book."""

    model_config = ConfigDict(extra="forbid")
    title: Title | None = None
    year: Year | None = None


class BookOut(BaseModel):
    """A book as the API shows one."""

    id: int
    title: str
    year: int | None
    author_id: int


class AuthorPage(BaseModel):
    """A page of authors."""

    items: list[AuthorOut]
    page: int
    pages: int
    total: int


class BookPage(BaseModel):
    """A page of books."""

    items: list[BookOut]
    page: int
    pages: int
    total: int


class Problem(BaseModel):
    """An error, as RFC 9457 problem details."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
