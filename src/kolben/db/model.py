"""The declarative model base: table names, bind keys and ``Model.query``.

As in Flask-SQLAlchemy, a model without ``__tablename__`` gets one made from
its class name in snake case (``UserProfile`` -> ``user_profile``) when it
defines a primary key of its own; a subclass that adds none shares its
parent's table (single-table inheritance). ``__bind_key__`` puts a model's
table in the metadata of that bind, so it is created in, and queried from,
that database.
"""

from __future__ import annotations

import typing as t
from typing import TYPE_CHECKING, Any, ClassVar

import sqlalchemy as sa
import sqlalchemy.orm as sa_orm

from .query import Query

if TYPE_CHECKING:
    from .extension import SQLAlchemy


def camel_to_snake_case(name: str) -> str:
    """Return ``name`` in snake case: ``HTTPRequest`` -> ``http_request``.

    An underscore goes before an upper-case letter that follows a lower-case
    letter or a digit, and before one that starts a new word (an upper-case
    letter followed by a lower-case one); Flask-SQLAlchemy names tables so.
    """
    out: list[str] = []
    last = len(name) - 1
    for i, ch in enumerate(name):
        if "A" <= ch <= "Z" and i > 0:
            before = name[i - 1]
            if (
                "a" <= before <= "z"
                or "0" <= before <= "9"
                or (i < last and "a" <= name[i + 1] <= "z")
            ):
                out.append("_")
        out.append(ch)
    return "".join(out).lower().lstrip("_")


class _QueryProperty:
    """``Model.query``: a legacy :class:`Query` on ``db.session``."""

    def __get__(self, obj: Model | None, cls: type[Model]) -> Query:
        return cls.query_class(cls, session=cls.__fsa__.session())


class Model:
    """The base class of ``db.Model``; models subclass ``db.Model``.

    ``query`` is SQLAlchemy's legacy query API, kept for code that uses
    ``User.query.get_or_404(id)``; new code uses ``db.session.execute(
    db.select(User))``.
    """

    #: The extension this model belongs to; set on ``db.Model``.
    __fsa__: ClassVar[SQLAlchemy]
    #: The query class of :attr:`query`; ``db.Query`` by default.
    query_class: ClassVar[type[Query]] = Query
    #: A query for this model, ``db.session.query(Model)``.
    query: ClassVar[Query] = _QueryProperty()  # type: ignore[assignment]

    def __repr__(self) -> str:
        """Return the model's class and primary key."""
        state = t.cast("sa.orm.InstanceState[Model]", sa.inspect(self))
        if state.transient:
            pk = f"(transient {id(self)})"
        elif state.pending:
            pk = f"(pending {id(self)})"
        else:
            pk = ", ".join(map(str, state.identity or ()))
        return f"<{type(self).__name__} {pk}>"


def _bind_metadata(cls: Any) -> None:
    """Give ``cls`` the metadata of its ``__bind_key__``, inherited or not."""
    if not hasattr(cls, "__fsa__") or (
        "metadata" in cls.__dict__ or "__table__" in cls.__dict__
    ):
        return
    metadata = cls.__fsa__._make_metadata(getattr(cls, "__bind_key__", None))
    if metadata is not getattr(cls, "metadata", None):
        cls.metadata = metadata


def _is_declarative(cls: Any) -> bool:
    return isinstance(cls, sa_orm.DeclarativeMeta) or (
        isinstance(cls, type)
        and issubclass(cls, sa_orm.DeclarativeBase | sa_orm.DeclarativeBaseNoMeta)
    )


def should_set_tablename(cls: type) -> bool:
    """Return whether ``cls`` should get a table name from its class name.

    Not for abstract models, nor where ``__tablename__`` comes from a
    ``declared_attr``, nor where a mapped base already names the table.
    """
    if cls.__dict__.get("__abstract__", False) or not any(
        _is_declarative(b) for b in cls.__mro__[1:]
    ):
        return False
    for base in cls.__mro__:
        if "__tablename__" not in base.__dict__:
            continue
        if isinstance(base.__dict__["__tablename__"], sa_orm.declared_attr):
            return False
        return not (
            base is cls
            or base.__dict__.get("__abstract__", False)
            or not _is_declarative(base)
        )
    return True


def _table_or_none(cls: Any, *args: Any, **kwargs: Any) -> sa.Table | None:
    """Make the table for ``cls``, or none for single-table inheritance."""
    schema = kwargs.get("schema")
    key = args[0] if schema is None else f"{schema}.{args[0]}"
    # A table of that name already there (reflected): map the model onto it.
    if key in cls.metadata.tables:
        return sa.Table(*args, **kwargs)
    # A primary key of its own: a table of its own (joined inheritance).
    for arg in args:
        if (isinstance(arg, sa.Column) and arg.primary_key) or isinstance(
            arg, sa.PrimaryKeyConstraint
        ):
            return sa.Table(*args, **kwargs)
    # No base has a table either: let SQLAlchemy say the primary key is missing.
    if not any("__table__" in base.__dict__ for base in cls.__mro__[1:-1]):
        return sa.Table(*args, **kwargs)
    # Single-table inheritance: the parent's table.
    if "__tablename__" in cls.__dict__:
        del cls.__tablename__
    return None


def _drop_none_table(cls: Any) -> None:
    if (
        "__tablename__" not in cls.__dict__
        and "__table__" in cls.__dict__
        and cls.__dict__["__table__"] is None
    ):
        del cls.__table__


class BindMetaMixin(type):
    """Metaclass mixin that honours ``__bind_key__`` (classic declarative)."""

    def __init__(cls, name: str, bases: tuple[type, ...], d: dict[str, Any]) -> None:
        """Give the new model's table its bind key's metadata."""
        _bind_metadata(cls)
        super().__init__(name, bases, d)


class NameMetaMixin(type):
    """Metaclass mixin that names tables after their models."""

    def __init__(cls, name: str, bases: tuple[type, ...], d: dict[str, Any]) -> None:
        """Name the model's table after the class if it does not name one."""
        if should_set_tablename(cls):
            cls.__tablename__ = camel_to_snake_case(cls.__name__)
        super().__init__(name, bases, d)
        _drop_none_table(cls)

    def __table_cls__(cls, *args: Any, **kwargs: Any) -> sa.Table | None:
        """Make the model's table, or none for single-table inheritance."""
        return _table_or_none(cls, *args, **kwargs)


class DefaultMeta(BindMetaMixin, NameMetaMixin, sa_orm.DeclarativeMeta):
    """The metaclass of ``db.Model``: bind keys and table names."""


class DefaultMetaNoName(BindMetaMixin, sa_orm.DeclarativeMeta):
    """The metaclass of ``db.Model`` with ``disable_autonaming=True``."""


class BindMixin:
    """``__bind_key__`` for models on a ``DeclarativeBase`` subclass."""

    __fsa__: ClassVar[SQLAlchemy]

    @classmethod
    def __init_subclass__(cls: type[Any], **kwargs: Any) -> None:
        """Give the subclass's table its bind key's metadata."""
        _bind_metadata(cls)
        super().__init_subclass__(**kwargs)


class NameMixin:
    """Table names from class names, for a ``DeclarativeBase`` subclass."""

    @classmethod
    def __init_subclass__(cls: type[Any], **kwargs: Any) -> None:
        """Name the subclass's table after the class if it names none."""
        if should_set_tablename(cls):
            cls.__tablename__ = camel_to_snake_case(cls.__name__)
        super().__init_subclass__(**kwargs)
        _drop_none_table(cls)

    @classmethod
    def __table_cls__(cls, *args: Any, **kwargs: Any) -> sa.Table | None:
        """Make the model's table, or none for single-table inheritance."""
        return _table_or_none(cls, *args, **kwargs)
