"""The JSON API: authors and books, created, listed, read, changed, deleted.

Lists are paged (``?page=2&per_page=10``). Errors are JSON, ``{"error":
..., "status": ...}``; a body that fails validation answers 422 naming each
field.
"""

from __future__ import annotations

from typing import Any

from kolben import Blueprint, abort, request
from kolben.http.exceptions import HTTPException

from .models import Author, Book, db

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.errorhandler(HTTPException)
def as_json(e: HTTPException) -> Any:
    """Answer the API's errors as JSON."""
    body: dict[str, Any] = {"error": e.description, "status": e.code}
    if getattr(e, "fields", None):
        body["fields"] = e.fields  # type: ignore[attr-defined]
    return body, e.code or 500


class Invalid(HTTPException):
    """A body that fails validation: 422, with a message per field."""

    code = 422
    description = "The body is not valid."

    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__()
        self.fields = fields


def _body(
    required: dict[str, type], optional: dict[str, type] | None = None
) -> dict[str, Any]:
    """Return the JSON body's fields, or answer 422 naming the bad ones."""
    data = request.get_json()
    if not isinstance(data, dict):
        abort(400, description="The body must be a JSON object.")
    fields = {**required, **(optional or {})}
    errors = {
        name: f"must be a {kind.__name__}"
        for name, kind in fields.items()
        if name in data
        and (type(data[name]) is not kind)
        and not (data[name] is None and name in (optional or {}))
    }
    errors.update({name: "is required" for name in required if name not in data})
    for name, kind in fields.items():
        if kind is str and isinstance(data.get(name), str) and not data[name].strip():
            errors[name] = "must not be empty"
    if errors:
        raise Invalid(errors)
    return {name: data[name] for name in fields if name in data}


def _page(select: Any) -> dict[str, Any]:
    page = db.paginate(select)
    return {
        "items": [item.to_json() for item in page.items],
        "page": page.page,
        "pages": page.pages,
        "total": page.total,
    }


@bp.get("/authors")
async def list_authors() -> Any:
    """List the authors, a page at a time (an async view: no thread)."""
    page = await db.apaginate(db.select(Author).order_by(Author.id))
    return {
        "items": [a.to_json() for a in page.items],
        "page": page.page,
        "pages": page.pages,
        "total": page.total,
    }


@bp.post("/authors")
def create_author() -> Any:
    """Add an author; a name already taken answers 409."""
    author = Author(**_body({"name": str}))
    db.session.add(author)
    db.session.commit()
    return author.to_json(), 201


@bp.get("/authors/<int:author_id>")
def get_author(author_id: int) -> Any:
    """Show an author, with the number of books."""
    author = db.get_or_404(Author, author_id, description="No such author.")
    return {**author.to_json(), "books": len(author.books)}


@bp.patch("/authors/<int:author_id>")
def update_author(author_id: int) -> Any:
    """Rename an author."""
    author = db.get_or_404(Author, author_id, description="No such author.")
    author.name = _body({"name": str})["name"]
    db.session.commit()
    return author.to_json()


@bp.delete("/authors/<int:author_id>")
def delete_author(author_id: int) -> Any:
    """Delete an author and their books."""
    db.session.delete(db.get_or_404(Author, author_id, description="No such author."))
    db.session.commit()
    return "", 204


@bp.get("/authors/<int:author_id>/books")
def list_books(author_id: int) -> Any:
    """List an author's books, a page at a time."""
    db.get_or_404(Author, author_id, description="No such author.")
    return _page(db.select(Book).filter_by(author_id=author_id).order_by(Book.id))


@bp.post("/authors/<int:author_id>/books")
def create_book(author_id: int) -> Any:
    """Add a book to an author."""
    author = db.get_or_404(Author, author_id, description="No such author.")
    book = Book(author=author, **_body({"title": str}, {"year": int}))
    db.session.add(book)
    db.session.commit()
    return book.to_json(), 201


@bp.get("/books/<int:book_id>")
def get_book(book_id: int) -> Any:
    """Show a book."""
    return db.get_or_404(Book, book_id, description="No such book.").to_json()


@bp.patch("/books/<int:book_id>")
def update_book(book_id: int) -> Any:
    """Change a book's title or year."""
    book = db.get_or_404(Book, book_id, description="No such book.")
    for name, value in _body({}, {"title": str, "year": int}).items():
        setattr(book, name, value)
    db.session.commit()
    return book.to_json()


@bp.delete("/books/<int:book_id>")
def delete_book(book_id: int) -> Any:
    """Delete a book."""
    db.session.delete(db.get_or_404(Book, book_id, description="No such book."))
    db.session.commit()
    return "", 204
