"""Pages of query results: ``db.paginate``, ``Query.paginate`` and the async twin.

A page's number and size come from the arguments, or else from the query
string's ``page`` and ``per_page`` (``?page=2&per_page=50``) in a request,
as in Flask-SQLAlchemy. A page number or size that is not a positive
integer, or a page past the last, answers 404 when ``error_out`` is true.

SECURITY: a client cannot ask for more than ``max_per_page`` items, which is
``SQLALCHEMY_MAX_PER_PAGE`` (100) when not given; Flask-SQLAlchemy has no
such bound. Setting the key to ``None`` lifts it.
"""

from __future__ import annotations

import typing as t
from math import ceil

import sqlalchemy as sa

from ..globals import _cv_app
from ..helpers import abort

if t.TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession
    from sqlalchemy.orm import Session

    from .query import Query

_DEFAULT_PER_PAGE = 20
# SECURITY: an offset beyond what a database's 64-bit integer holds would be
# an error (SQLite raises OverflowError); no row lies that far anyway.
_MAX_OFFSET = 2**62


def _positive_int(value: int | str | None, name: str, error_out: bool) -> int | None:
    if value is None or isinstance(value, int):
        return value
    try:
        return int(value)
    except (TypeError, ValueError):
        if error_out:
            abort(404, description=f"{name} must be a whole number.")
        return None


def page_args(
    page: int | None,
    per_page: int | None,
    max_per_page: int | None,
    error_out: bool,
) -> tuple[int, int, int | None]:
    """Return the page number, page size and size bound to use.

    Missing values come from the request's query string, then the defaults
    (page 1 of 20 items).
    """
    ctx = _cv_app.get(None)
    request = ctx.request if ctx is not None else None
    if request is not None:
        if page is None:
            page = _positive_int(request.args.get("page"), "page", error_out)
        if per_page is None:
            raw = request.args.get("per_page")
            per_page = _positive_int(raw, "per_page", error_out)
    if max_per_page is None and ctx is not None:
        max_per_page = ctx.app.config.get("SQLALCHEMY_MAX_PER_PAGE")
    page = 1 if page is None else page
    per_page = _DEFAULT_PER_PAGE if per_page is None else per_page
    if max_per_page is not None:
        per_page = min(per_page, max_per_page)
    if page < 1:
        if error_out:
            abort(404, description="page must be 1 or more.")
        page = 1
    if per_page < 1:
        if error_out:
            abort(404, description="per_page must be 1 or more.")
        per_page = _DEFAULT_PER_PAGE
    return page, per_page, max_per_page


def _beyond_any_row(page: int, per_page: int, error_out: bool) -> bool:
    if (page - 1) * per_page <= _MAX_OFFSET:
        return False
    if error_out:
        abort(404, description="There is no such page.")
    return True


class _Page:
    """What every page knows once its items and total are in."""

    page: int
    per_page: int
    max_per_page: int | None
    items: list[t.Any]
    total: int | None
    _query_args: dict[str, t.Any]

    def _fill(
        self,
        page: int,
        per_page: int,
        max_per_page: int | None,
        items: list[t.Any],
        error_out: bool,
    ) -> None:
        if not items and page != 1 and error_out:
            abort(404, description="There is no such page.")
        self.page = page
        self.per_page = per_page
        self.max_per_page = max_per_page
        self.items = items

    @property
    def _query_offset(self) -> int:
        return (self.page - 1) * self.per_page

    @property
    def first(self) -> int:
        """The number of the page's first item, counted from 1; 0 if none."""
        return 0 if not self.items else self._query_offset + 1

    @property
    def last(self) -> int:
        """The number of the page's last item, counted from 1; 0 if none."""
        first = self.first
        return max(first, first + len(self.items) - 1)

    @property
    def pages(self) -> int:
        """The number of pages; 0 when there is nothing, or no count."""
        if not self.total:
            return 0
        return ceil(self.total / self.per_page)

    @property
    def has_prev(self) -> bool:
        """Whether there is a page before this one."""
        return self.page > 1

    @property
    def prev_num(self) -> int | None:
        """The previous page's number, or ``None`` on the first page."""
        return self.page - 1 if self.has_prev else None

    @property
    def has_next(self) -> bool:
        """Whether there is a page after this one."""
        return self.page < self.pages

    @property
    def next_num(self) -> int | None:
        """The next page's number, or ``None`` on the last page."""
        return self.page + 1 if self.has_next else None

    def iter_pages(
        self,
        *,
        left_edge: int = 2,
        left_current: int = 2,
        right_current: int = 4,
        right_edge: int = 2,
    ) -> t.Iterator[int | None]:
        """Yield page numbers for a pager, ``None`` for each run left out.

        The first ``left_edge`` and last ``right_edge`` pages are always
        there, and the pages from ``left_current`` before the current one to
        ``right_current`` after it::

            {% for n in page.iter_pages() %}
              {% if n %}<a href="?page={{ n }}">{{ n }}</a>{% else %}…{% endif %}
            {% endfor %}
        """
        last = self.pages
        if last == 0:
            return
        # Three runs, each starting after the one before: the left edge, the
        # pages around the current one, the right edge.
        left_stop = min(left_edge, last)
        yield from range(1, left_stop + 1)
        if left_stop == last:
            return
        mid_start = max(left_stop + 1, self.page - left_current)
        mid_stop = min(self.page + right_current, last)
        if mid_start > left_stop + 1:
            yield None
        yield from range(mid_start, mid_stop + 1)
        if mid_stop == last:
            return
        right_start = max(mid_stop + 1, last - right_edge + 1)
        if right_start > mid_stop + 1:
            yield None
        yield from range(right_start, last + 1)

    def __iter__(self) -> t.Iterator[t.Any]:
        return iter(self.items)


class Pagination(_Page):
    """A page of results, queried when it is made.

    :param page: the page number, from 1; from ``?page=`` when not given.
    :param per_page: items per page; from ``?per_page=``, else 20.
    :param max_per_page: the most items a page may have.
    :param error_out: answer 404 for a bad page number or an empty page.
    :param count: also count all the items (``total`` and ``pages``).
    """

    def __init__(
        self,
        page: int | None = None,
        per_page: int | None = None,
        max_per_page: int | None = None,
        error_out: bool = True,
        count: bool = True,
        **kwargs: t.Any,
    ) -> None:
        """Take the page, its size and limits, and query the page's items."""
        self._query_args = kwargs
        page, per_page, max_per_page = page_args(
            page, per_page, max_per_page, error_out
        )
        self.page, self.per_page = page, per_page
        empty = _beyond_any_row(page, per_page, error_out)
        items = [] if empty else self._query_items()
        self._fill(page, per_page, max_per_page, items, error_out)
        self.total = self._query_count() if count else None

    def _query_items(self) -> list[t.Any]:
        raise NotImplementedError

    def _query_count(self) -> int:
        raise NotImplementedError

    def prev(self, *, error_out: bool = False) -> Pagination:
        """Return the previous page."""
        p = type(self)(
            page=self.page - 1,
            per_page=self.per_page,
            max_per_page=self.max_per_page,
            error_out=error_out,
            count=False,
            **self._query_args,
        )
        p.total = self.total
        return p

    def next(self, *, error_out: bool = False) -> Pagination:
        """Return the next page."""
        p = type(self)(
            page=self.page + 1,
            per_page=self.per_page,
            max_per_page=self.max_per_page,
            error_out=error_out,
            count=False,
            **self._query_args,
        )
        p.total = self.total
        return p


def _limited(select: sa.Select[t.Any], per_page: int, offset: int) -> sa.Select[t.Any]:
    return select.limit(per_page).offset(offset)


def _counting(select: sa.Select[t.Any]) -> sa.Select[tuple[int]]:
    sub = select.order_by(None).subquery()
    return sa.select(sa.func.count()).select_from(sub)


class SelectPagination(Pagination):
    """A page of a ``select()``: what :meth:`SQLAlchemy.paginate` returns."""

    def _query_items(self) -> list[t.Any]:
        select = self._query_args["select"]
        session: Session = self._query_args["session"]
        rows = session.execute(_limited(select, self.per_page, self._query_offset))
        return list(rows.unique().scalars())

    def _query_count(self) -> int:
        session: Session = self._query_args["session"]
        total = session.execute(_counting(self._query_args["select"])).scalar()
        return int(total or 0)


class QueryPagination(Pagination):
    """A page of a legacy :class:`~kolben.db.query.Query`."""

    def _query_items(self) -> list[t.Any]:
        query: Query = self._query_args["query"]
        return query.limit(self.per_page).offset(self._query_offset).all()

    def _query_count(self) -> int:
        query: Query = self._query_args["query"]
        return query.order_by(None).count()


class AsyncSelectPagination(_Page):
    """A page of a ``select()`` run on an ``AsyncSession``.

    Made by ``await db.apaginate(select)``; :meth:`next` and :meth:`prev`
    are coroutines. The rest is :class:`Pagination`'s.
    """

    @classmethod
    async def create(
        cls,
        page: int | None = None,
        per_page: int | None = None,
        max_per_page: int | None = None,
        error_out: bool = True,
        count: bool = True,
        **kwargs: t.Any,
    ) -> AsyncSelectPagination:
        """Query a page; see :class:`Pagination` for the parameters."""
        self = cls()
        self._query_args = kwargs
        page, per_page, max_per_page = page_args(
            page, per_page, max_per_page, error_out
        )
        select = kwargs["select"]
        session: AsyncSession = kwargs["session"]
        items: list[t.Any] = []
        if not _beyond_any_row(page, per_page, error_out):
            offset = (page - 1) * per_page
            rows = await session.execute(_limited(select, per_page, offset))
            items = list(rows.unique().scalars())
        self._fill(page, per_page, max_per_page, items, error_out)
        self.total = None
        if count:
            self.total = int((await session.execute(_counting(select))).scalar() or 0)
        return self

    async def prev(self, *, error_out: bool = False) -> AsyncSelectPagination:
        """Return the previous page."""
        return await self._sibling(self.page - 1, error_out)

    async def next(self, *, error_out: bool = False) -> AsyncSelectPagination:
        """Return the next page."""
        return await self._sibling(self.page + 1, error_out)

    async def _sibling(self, page: int, error_out: bool) -> AsyncSelectPagination:
        p = await self.create(
            page=page,
            per_page=self.per_page,
            max_per_page=self.max_per_page,
            error_out=error_out,
            count=False,
            **self._query_args,
        )
        p.total = self.total
        return p
