"""The JSON API: authors and books, created, listed, read, changed, deleted.

Bodies and answers are typed (``schemas.py``): ``kolben.api`` validates
what comes in (a bad body is a 422 locating every error) and sends what
goes out through its model, and documents it all at ``/api/openapi.json``
with Swagger UI at ``/api/docs``. Lists are paged (``?page=2&per_page=10``).
Other errors are problem details too: 404 for a missing record, 409 for a
taken name.
"""

from __future__ import annotations

from typing import Any

from kolben import Blueprint
from kolben.api import RequestValidationError
from kolben.http.exceptions import HTTPException

from .models import Author, Book, db
from .schemas import (
    AuthorDetail,
    AuthorIn,
    AuthorOut,
    AuthorPage,
    BookIn,
    BookOut,
    BookPage,
    BookPatch,
    Problem,
)

bp = Blueprint("api", __name__, url_prefix="/api")
#: Errors answered as problem details, documented as such.
PROBLEM = (Problem, "application/problem+json")
NOT_FOUND = {404: PROBLEM}


@bp.errorhandler(HTTPException)
def as_problem(e: HTTPException) -> Any:
    """Answer the API's HTTP errors as problem details, as kolben.api does."""
    if isinstance(e, RequestValidationError):
        return e  # kolben.api's own answer, every error located
    body = Problem(title=e.name, status=e.code or 500, detail=e.description or "")
    return body.model_dump(), e.code, {"Content-Type": "application/problem+json"}


def _page(page: Any) -> dict[str, Any]:
    return {
        "items": page.items,
        "page": page.page,
        "pages": page.pages,
        "total": page.total,
    }


@bp.get("/authors")
async def list_authors() -> AuthorPage:
    """List the authors, a page at a time (an async view: no thread)."""
    return AuthorPage.model_validate(
        _page(await db.apaginate(db.select(Author).order_by(Author.id))),
        from_attributes=True,
    )


@bp.post("/authors", status_code=201, responses={409: PROBLEM})
def create_author(author: AuthorIn) -> AuthorOut:
    """Add an author; a name already taken answers 409."""
    row = Author(name=author.name)
    db.session.add(row)
    db.session.commit()
    return row  # converted through AuthorOut: only its fields are sent


@bp.get("/authors/<int:author_id>", responses=NOT_FOUND)
def get_author(author_id: int) -> AuthorDetail:
    """Show an author, with the number of their books."""
    author = db.get_or_404(Author, author_id, description="No such author.")
    return AuthorDetail(id=author.id, name=author.name, books=len(author.books))


@bp.patch("/authors/<int:author_id>", responses={**NOT_FOUND, 409: PROBLEM})
def update_author(author_id: int, change: AuthorIn) -> AuthorOut:
    """Rename an author."""
    author = db.get_or_404(Author, author_id, description="No such author.")
    author.name = change.name
    db.session.commit()
    return author  # type: ignore[no-any-return]


@bp.delete("/authors/<int:author_id>", status_code=204, responses=NOT_FOUND)
def delete_author(author_id: int) -> Any:
    """Delete an author and their books."""
    db.session.delete(db.get_or_404(Author, author_id, description="No such author."))
    db.session.commit()
    return ""


@bp.get("/authors/<int:author_id>/books", responses=NOT_FOUND)
def list_books(author_id: int) -> BookPage:
    """List an author's books, a page at a time."""
    db.get_or_404(Author, author_id, description="No such author.")
    select = db.select(Book).filter_by(author_id=author_id).order_by(Book.id)
    return BookPage.model_validate(_page(db.paginate(select)), from_attributes=True)


@bp.post("/authors/<int:author_id>/books", status_code=201, responses=NOT_FOUND)
def create_book(author_id: int, book: BookIn) -> BookOut:
    """Add a book to an author."""
    author = db.get_or_404(Author, author_id, description="No such author.")
    row = Book(author=author, title=book.title, year=book.year)
    db.session.add(row)
    db.session.commit()
    return row


@bp.get("/books/<int:book_id>", responses=NOT_FOUND)
def get_book(book_id: int) -> BookOut:
    """Show a book."""
    return db.get_or_404(Book, book_id, description="No such book.")  # type: ignore[no-any-return]


@bp.patch("/books/<int:book_id>", responses=NOT_FOUND)
def update_book(book_id: int, change: BookPatch) -> BookOut:
    """Change a book's title or year."""
    book = db.get_or_404(Book, book_id, description="No such book.")
    for name, value in change.model_dump(exclude_unset=True).items():
        setattr(book, name, value)
    db.session.commit()
    return book  # type: ignore[no-any-return]


@bp.delete("/books/<int:book_id>", status_code=204, responses=NOT_FOUND)
def delete_book(book_id: int) -> Any:
    """Delete a book."""
    db.session.delete(db.get_or_404(Book, book_id, description="No such book."))
    db.session.commit()
    return ""
