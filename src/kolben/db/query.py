"""``Model.query``'s class: SQLAlchemy's legacy ``Query`` with web helpers."""

from __future__ import annotations

import typing as t

import sqlalchemy.exc as sa_exc
import sqlalchemy.orm as sa_orm

from ..helpers import abort

if t.TYPE_CHECKING:
    from .pagination import Pagination


class Query(sa_orm.Query[t.Any]):
    """SQLAlchemy's ``Query`` with ``get_or_404``, ``first_or_404`` and pages.

    The legacy query API, for code written against it; new code uses
    ``db.session.execute(db.select(...))`` and :class:`~kolben.db.SQLAlchemy`'s
    helpers of the same names.
    """

    def get_or_404(self, ident: t.Any, description: str | None = None) -> t.Any:
        """Return the row with primary key ``ident``, or answer 404."""
        # Session.get, not the legacy Query.get, which warns under SQLAlchemy 2.
        entity: t.Any = self.column_descriptions[0]["entity"]
        from ._engines import key_out_of_range

        if key_out_of_range(entity, ident, self.session.get_bind(entity)):
            abort(404, description=description)
        rv = self.session.get(entity, ident)
        if rv is None:
            abort(404, description=description)
        return rv

    def first_or_404(self, description: str | None = None) -> t.Any:
        """Return the first result, or answer 404 when there is none."""
        rv = self.first()
        if rv is None:
            abort(404, description=description)
        return rv

    def one_or_404(self, description: str | None = None) -> t.Any:
        """Return the only result; answer 404 for none or for several."""
        try:
            return self.one()
        except (sa_exc.NoResultFound, sa_exc.MultipleResultsFound):
            abort(404, description=description)

    def paginate(
        self,
        *,
        page: int | None = None,
        per_page: int | None = None,
        max_per_page: int | None = None,
        error_out: bool = True,
        count: bool = True,
    ) -> Pagination:
        """Return a page of the results: a :class:`~.pagination.Pagination`."""
        from .pagination import QueryPagination

        return QueryPagination(
            query=self,
            page=page,
            per_page=per_page,
            max_per_page=max_per_page,
            error_out=error_out,
            count=count,
        )
