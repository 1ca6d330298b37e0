"""What a database error that escapes a view answers.

- A unique-constraint violation is a 409 naming the fields, unless the app
  handles ``IntegrityError`` itself; any other integrity error stays a 500.
- A database that cannot be reached is a 503 (:class:`DatabaseUnavailable`).

Either goes through the app's handler for its status code, so an API that
answers errors as JSON answers these as JSON too.
"""

from __future__ import annotations

import re
import typing as t

import sqlalchemy.exc as sa_exc

from ..globals import current_app
from ..http.exceptions import Conflict, ServiceUnavailable
from ._engines import DatabaseUnavailable

if t.TYPE_CHECKING:
    from ..app import Kolben

_PG_KEY = re.compile(r"Key \((?P<fields>.+?)\)=")
_MYSQL_KEY = re.compile(r"for key '(?:[^'.]*\.)?(?P<fields>[^']*)'")


def unique_fields(error: sa_exc.IntegrityError) -> list[str] | None:
    """Return the fields of a unique-constraint violation, else ``None``.

    The list is empty when the driver does not say which fields.
    """
    orig = error.orig
    code = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    text = str(orig)
    if code == "23505":  # PostgreSQL's unique_violation
        diag = getattr(orig, "diag", None)
        detail = getattr(diag, "message_detail", None) or getattr(
            getattr(orig, "orig", None), "detail", None
        )
        found = _PG_KEY.search(detail or text)
        return [f.strip() for f in found["fields"].split(",")] if found else []
    if text.startswith("UNIQUE constraint failed: "):  # SQLite
        names = text.partition(": ")[2].split(", ")
        return [n.rpartition(".")[2] for n in names]
    args = getattr(orig, "args", ())
    if args and args[0] == 1062:  # MySQL's ER_DUP_ENTRY
        found = _MYSQL_KEY.search(text)
        return [found["fields"]] if found else []
    return None


def _on_integrity_error(error: sa_exc.IntegrityError) -> t.Any:
    fields = unique_fields(error)
    if fields is None:
        raise error
    current_app.logger.info("Refused a duplicate: %s", error.orig)
    what = ", ".join(fields) if fields else "unique value"
    conflict = Conflict(f"A record with this {what} already exists.")
    return current_app.handle_http_exception(conflict)


def _on_unavailable(error: DatabaseUnavailable) -> t.Any:
    current_app.logger.error("The database is unavailable: %s", error.orig)
    unavailable = ServiceUnavailable(
        "The database is unavailable. Try again in a moment."
    )
    return current_app.handle_http_exception(unavailable)


def register(app: Kolben) -> None:
    """Answer the two errors, unless the app already handles them."""
    # Indexed, not setdefault: the app's spec is a defaultdict of defaultdicts,
    # and a plain dict put in its place breaks the handlers registered later.
    handlers = app.error_handler_spec[None][None]
    handlers.setdefault(sa_exc.IntegrityError, _on_integrity_error)
    handlers.setdefault(DatabaseUnavailable, _on_unavailable)
