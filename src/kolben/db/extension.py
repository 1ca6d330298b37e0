"""The ``SQLAlchemy`` extension object: engines, sessions, models, helpers.

One object per project, made at import time and bound to apps with
:meth:`SQLAlchemy.init_app`, as Flask-SQLAlchemy's is. Its engines and
configuration belong to each app it is bound to; its models and metadata
are shared by them.
"""

from __future__ import annotations

import asyncio
import typing as t
import weakref

import sqlalchemy as sa
import sqlalchemy.event as sa_event
import sqlalchemy.exc as sa_exc
import sqlalchemy.orm as sa_orm

from ..globals import current_app
from ..helpers import abort, nonblocking
from . import _errors
from ._async import AsyncMixin
from ._engines import (
    apply_driver_defaults,
    describe,
    key_out_of_range,
    watch_connect_failures,
)
from .model import (
    BindMixin,
    DefaultMeta,
    DefaultMetaNoName,
    Model,
    NameMixin,
    _QueryProperty,
)
from .pagination import Pagination, SelectPagination
from .query import Query
from .session import Session, _app_ctx_id

if t.TYPE_CHECKING:
    from ..app import Kolben

_BindKeys = str | None | list[str | None]


class SQLAlchemy(AsyncMixin):
    """Integrate SQLAlchemy with kolben apps: Flask-SQLAlchemy 3.1's API.

    ::

        db = SQLAlchemy()

        class User(db.Model):
            id: Mapped[int] = mapped_column(primary_key=True)

        def create_app():
            app = Kolben(__name__)
            app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///app.db"
            db.init_app(app)
            return app

    Names of ``sqlalchemy`` and ``sqlalchemy.orm`` are attributes too:
    ``db.Column``, ``db.Integer``, ``db.relationship``, ``db.select``.

    :param app: an app to bind now; or call :meth:`init_app` later.
    :param metadata: the default bind's ``MetaData``, e.g. with a naming
        convention for constraints.
    :param session_options: arguments for the ``sessionmaker`` of
        :attr:`session`.
    :param query_class: the class of ``Model.query`` and dynamic
        relationships.
    :param model_class: the base of ``db.Model``; a ``DeclarativeBase``
        subclass for SQLAlchemy 2's typed style, or a plain class.
    :param engine_options: default arguments for every ``create_engine``.
    :param add_models_to_shell: put ``db`` and the models in ``kolben shell``.
    :param disable_autonaming: do not name tables after their models.
    """

    def __init__(
        self,
        app: Kolben | None = None,
        *,
        metadata: sa.MetaData | None = None,
        session_options: dict[str, t.Any] | None = None,
        query_class: type[Query] = Query,
        model_class: t.Any = Model,
        engine_options: dict[str, t.Any] | None = None,
        add_models_to_shell: bool = True,
        disable_autonaming: bool = False,
    ) -> None:
        #: The query class of ``Model.query`` and dynamic relationships.
        """Take the app (or call :meth:`init_app` later) and the options."""
        self.Query = query_class
        #: Each bind key's ``MetaData``; the default bind's is at ``None``.
        self.metadatas: dict[str | None, sa.MetaData] = {}
        if metadata is not None:
            metadata.info["bind_key"] = None
            self.metadatas[None] = metadata
        session_options = dict(session_options or {})
        #: The session of the current app context, removed at its teardown.
        self.session = self._make_scoped_session(session_options)
        self._async_session_options = {
            k: v for k, v in session_options.items() if k not in ("class_", "query_cls")
        }
        self._async_session_options.setdefault("expire_on_commit", False)
        #: ``db.Table("name", db.Column(...), bind_key=None)``: a table in
        #: the metadata of its bind key.
        self.Table = self._make_table_class()
        #: The base class of models.
        self.Model = self._make_declarative_base(model_class, disable_autonaming)
        self._engine_options = dict(engine_options or {})
        self._app_engines: weakref.WeakKeyDictionary[
            Kolben, dict[str | None, sa.Engine]
        ] = weakref.WeakKeyDictionary()
        self._app_async_options = weakref.WeakKeyDictionary()
        self._app_async_engines = weakref.WeakKeyDictionary()
        self._async_sessions = {}
        self._closing = set()
        self._last_engines: (
            tuple[weakref.ref[Kolben], dict[str | None, sa.Engine]] | None
        ) = None
        self._add_models_to_shell = add_models_to_shell
        if app is not None:
            self.init_app(app)

    def __repr__(self) -> str:
        """Return a representation for debugging."""
        try:
            url = describe(self.engine.url)
        except RuntimeError:
            return f"<{type(self).__name__}>"
        return f"<{type(self).__name__} {url}>"

    def init_app(self, app: Kolben) -> None:
        """Bind ``app``: read its config, make its engines, tear down sessions.

        ``SQLALCHEMY_DATABASE_URI`` and ``SQLALCHEMY_BINDS`` name the
        databases. With neither set, the app gets a SQLite database in its
        instance folder, ``<app name>.sqlite``, and a log line saying so.

        :param app: the app.
        :raises RuntimeError: ``app`` is already bound to a ``SQLAlchemy``.
        """
        if "sqlalchemy" in app.extensions:
            raise RuntimeError(
                "A 'SQLAlchemy' instance has already been registered on this app."
                " Import and use that instance instead."
            )
        app.extensions["sqlalchemy"] = self
        app.teardown_appcontext(nonblocking(self._teardown_session))
        if self._add_models_to_shell:
            from .cli import add_models_to_shell

            app.shell_context_processor(add_models_to_shell)
        config = app.config
        config.setdefault("SQLALCHEMY_MAX_PER_PAGE", 100)
        record = config.setdefault("SQLALCHEMY_RECORD_QUERIES", False)
        track = config.setdefault("SQLALCHEMY_TRACK_MODIFICATIONS", False)
        engines = self._app_engines.setdefault(app, {})
        # An app that goes away closes its pooled connections.
        weakref.finalize(app, _dispose_all, engines)
        async_options = self._app_async_options.setdefault(app, {})
        for key, options in self._engine_options_for(app).items():
            self._make_metadata(key)
            async_options[key] = apply_driver_defaults(options, app)
            engines[key] = self._make_engine(key, options, app)
            if record:
                from . import record_queries

                record_queries._listen(engines[key])
        if track:
            from . import track_modifications

            track_modifications._listen(self.session)
        if config.setdefault("SQLALCHEMY_HTTP_ERRORS", True):
            _errors.register(app)

    def _engine_options_for(self, app: Kolben) -> dict[str | None, dict[str, t.Any]]:
        config = app.config
        uri = config.setdefault("SQLALCHEMY_DATABASE_URI", None)
        basic = dict(self._engine_options)
        basic.update(config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {}))
        echo: bool = config.setdefault("SQLALCHEMY_ECHO", False)
        binds = config.setdefault("SQLALCHEMY_BINDS", {})
        options: dict[str | None, dict[str, t.Any]] = {}
        for key, value in binds.items():
            options[key] = dict(self._engine_options)
            if isinstance(value, str | sa.URL):
                options[key]["url"] = value
            else:
                options[key].update(value)
        if uri is not None:
            basic["url"] = uri
        if "url" in basic:
            options.setdefault(None, {}).update(basic)
        if not options:
            # A deliberate difference: Flask-SQLAlchemy raises here.
            basic["url"] = f"sqlite:///{app.name}.sqlite"
            options[None] = basic
            app.logger.info(
                "Neither SQLALCHEMY_DATABASE_URI nor SQLALCHEMY_BINDS is set:"
                " using SQLite at %s.sqlite in the instance folder %s.",
                app.name,
                app.instance_path,
            )
        for value in options.values():
            value.setdefault("echo", echo)
            value.setdefault("echo_pool", echo)
        return options

    def _make_engine(
        self, bind_key: str | None, options: dict[str, t.Any], app: Kolben
    ) -> sa.Engine:
        """Create the engine of ``bind_key`` for ``app``; a hook to override."""
        engine = sa.engine_from_config(options, prefix="")
        watch_connect_failures(engine)
        return engine

    def _make_scoped_session(
        self, options: dict[str, t.Any]
    ) -> sa_orm.scoped_session[Session]:
        options.setdefault("class_", Session)
        options.setdefault("query_cls", self.Query)
        factory = sa_orm.sessionmaker(db=self, **options)
        return sa_orm.scoped_session(factory, scopefunc=_app_ctx_id)

    def _teardown_session(self, exc: BaseException | None) -> None:
        """Remove the app context's sessions; uncommitted work rolls back.

        PERF: nonblocking, so that under ASGI an async view's request takes no
        thread hop for it: closing a session can wait on the database, so on
        the event loop the closing is handed off (a sync session's to a
        thread, an async session's to a task) instead of waited for.
        """
        # PERF: scoped_session.remove() looks the scope up three times; this
        # looks it up once, and not at all while no context has a session
        # (a request that never touched the database, in a sync worker).
        sessions = self.session.registry.registry
        if sessions:
            key = _app_ctx_id()
            session = sessions.get(key)
            if session is not None:
                loop = asyncio._get_running_loop()
                if loop is None:
                    try:
                        session.close()
                    finally:
                        sessions.pop(key, None)
                else:
                    del sessions[key]
                    self._track(loop.run_in_executor(None, session.close))
        if self._async_sessions:
            self._close_async_session()

    def _make_metadata(self, bind_key: str | None) -> sa.MetaData:
        """Return the ``MetaData`` of ``bind_key``, made on first use."""
        if bind_key in self.metadatas:
            return self.metadatas[bind_key]
        if bind_key is not None:
            # Copy the naming convention of the default metadata.
            naming = self._make_metadata(None).naming_convention
            metadata = sa.MetaData(naming_convention=naming)
        else:
            metadata = sa.MetaData()
        metadata.info["bind_key"] = bind_key
        self.metadatas[bind_key] = metadata
        return metadata

    def _make_table_class(self) -> t.Any:
        db = self

        class Table(sa.Table):
            def __new__(
                cls, *args: t.Any, bind_key: str | None = None, **kwargs: t.Any
            ) -> Table:
                # With a metadata given, or nothing at all (for SQLAlchemy's
                # own error), this is a plain Table.
                if not args or (len(args) >= 2 and isinstance(args[1], sa.MetaData)):
                    return super().__new__(cls, *args, **kwargs)
                metadata = db._make_metadata(bind_key)
                args = (args[0], metadata, *args[1:])
                return super().__new__(cls, *args, **kwargs)

        return Table

    def _make_declarative_base(
        self, model_class: t.Any, disable_autonaming: bool = False
    ) -> t.Any:
        """Make ``db.Model`` from ``model_class``."""
        declarative_bases = (sa_orm.DeclarativeBase, sa_orm.DeclarativeBaseNoMeta)
        if isinstance(model_class, type) and issubclass(model_class, declarative_bases):
            mixins: tuple[type, ...] = (BindMixin,)
            if not disable_autonaming:
                mixins += (NameMixin,)
            body = {"__fsa__": self, "__abstract__": True}
            if "metadata" not in model_class.__dict__ and None in self.metadatas:
                body["metadata"] = self.metadatas[None]
            model: t.Any = type(
                model_class.__name__, (*mixins, Model, model_class), body
            )
            model.__abstract__ = True
        elif not isinstance(model_class, sa_orm.DeclarativeMeta):
            metadata = self.metadatas.get(None)
            metaclass = DefaultMetaNoName if disable_autonaming else DefaultMeta
            model = sa_orm.declarative_base(
                metadata=metadata, cls=model_class, name="Model", metaclass=metaclass
            )
        else:
            model = model_class
        model.__fsa__ = self
        model.query_class = self.Query
        model.query = _QueryProperty()
        if None not in self.metadatas:
            model.metadata.info["bind_key"] = None
            self.metadatas[None] = model.metadata
        return model

    @property
    def metadata(self) -> sa.MetaData:
        """The default bind's ``MetaData``."""
        return self.metadatas[None]

    @property
    def engines(self) -> t.Mapping[str | None, sa.Engine]:
        """The current app's engines, by bind key; ``None`` is the default."""
        app = current_app._get_current_object()
        # PERF: each request's session asks once; the last app's engines are
        # kept beside the weak mapping, whose lookups are Python calls.
        last = self._last_engines
        if last is not None and last[0]() is app:
            return last[1]
        if app not in self._app_engines:
            raise RuntimeError(
                "The current app is not registered with this 'SQLAlchemy'"
                " instance. Did you forget to call 'init_app', or did you"
                " create multiple 'SQLAlchemy' instances?"
            )
        engines = self._app_engines[app]
        self._last_engines = (weakref.ref(app), engines)
        return engines

    @property
    def engine(self) -> sa.Engine:
        """The current app's default engine."""
        return self.engines[None]

    def _bind_keys(self, bind_key: _BindKeys) -> list[str | None]:
        if bind_key == "__all__":
            return list(self.metadatas)
        if bind_key is None or isinstance(bind_key, str):
            return [bind_key]
        return list(bind_key)

    def _unbound(self, key: str | None) -> sa_exc.UnboundExecutionError:
        message = f"Bind key '{key}' is not in 'SQLALCHEMY_BINDS' config."
        if key is None:
            message = f"'SQLALCHEMY_DATABASE_URI' config is not set. {message}"
        return sa_exc.UnboundExecutionError(message)

    def _call_for_binds(self, bind_key: _BindKeys, op_name: str) -> None:
        for key in self._bind_keys(bind_key):
            try:
                engine = self.engines[key]
            except KeyError:
                raise self._unbound(key) from None
            getattr(self.metadatas[key], op_name)(bind=engine)

    def create_all(self, bind_key: _BindKeys = "__all__") -> None:
        """Create the tables that do not exist, in each bind's database.

        :param bind_key: a bind key, a list of them, or ``"__all__"``.
        """
        self._call_for_binds(bind_key, "create_all")

    def drop_all(self, bind_key: _BindKeys = "__all__") -> None:
        """Drop the tables of each bind.

        :param bind_key: a bind key, a list of them, or ``"__all__"``.
        """
        self._call_for_binds(bind_key, "drop_all")

    def reflect(self, bind_key: _BindKeys = "__all__") -> None:
        """Load the tables each bind's database has into its metadata.

        :param bind_key: a bind key, a list of them, or ``"__all__"``.
        """
        self._call_for_binds(bind_key, "reflect")

    def get_or_404(
        self, entity: type[t.Any], ident: t.Any, *, description: str | None = None
    ) -> t.Any:
        """Return the row of ``entity`` with primary key ``ident``, or 404.

        ::

            user = db.get_or_404(User, user_id)
        """
        session = self.session()
        if key_out_of_range(entity, ident, session.get_bind(entity)):
            abort(404, description=description)
        value = session.get(entity, ident)
        if value is None:
            abort(404, description=description)
        return value

    def first_or_404(
        self, statement: sa.Select[t.Any], *, description: str | None = None
    ) -> t.Any:
        """Return the first result of ``statement``, or answer 404."""
        value = self.session.execute(statement).scalar()
        if value is None:
            abort(404, description=description)
        return value

    def one_or_404(
        self, statement: sa.Select[t.Any], *, description: str | None = None
    ) -> t.Any:
        """Return the only result of ``statement``; 404 for none or several."""
        try:
            return self.session.execute(statement).scalar_one()
        except (sa_exc.NoResultFound, sa_exc.MultipleResultsFound):
            abort(404, description=description)

    def paginate(
        self,
        select: sa.Select[t.Any],
        *,
        page: int | None = None,
        per_page: int | None = None,
        max_per_page: int | None = None,
        error_out: bool = True,
        count: bool = True,
    ) -> Pagination:
        """Return a page of ``select``'s results.

        ::

            page = db.paginate(db.select(User).order_by(User.id))
            return {"items": [u.name for u in page], "pages": page.pages}

        :param select: the ``select()`` to page through.
        :param page: the page number, from 1; from ``?page=`` when not given.
        :param per_page: items per page; from ``?per_page=``, else 20.
        :param max_per_page: the most items a page may have; else
            ``SQLALCHEMY_MAX_PER_PAGE`` (100).
        :param error_out: answer 404 for a bad page number or an empty page.
        :param count: also count all the items (``total`` and ``pages``).
        """
        return SelectPagination(
            select=select,
            session=self.session(),
            page=page,
            per_page=per_page,
            max_per_page=max_per_page,
            error_out=error_out,
            count=count,
        )

    def _set_rel_query(self, kwargs: dict[str, t.Any]) -> None:
        # Dynamic relationships query with db.Query, as Model.query does.
        kwargs.setdefault("query_class", self.Query)
        if "backref" in kwargs:
            backref = kwargs["backref"]
            if isinstance(backref, str):
                backref = (backref, {})
            backref[1].setdefault("query_class", self.Query)

    def relationship(
        self, *args: t.Any, **kwargs: t.Any
    ) -> sa_orm.RelationshipProperty[t.Any]:
        """``sqlalchemy.orm.relationship``, with ``query_class`` set."""
        self._set_rel_query(kwargs)
        return sa_orm.relationship(*args, **kwargs)

    def dynamic_loader(
        self, argument: t.Any, **kwargs: t.Any
    ) -> sa_orm.RelationshipProperty[t.Any]:
        """``sqlalchemy.orm.dynamic_loader``, with ``query_class`` set."""
        self._set_rel_query(kwargs)
        return sa_orm.dynamic_loader(argument, **kwargs)

    def _relation(self, *args: t.Any, **kwargs: t.Any) -> sa_orm.Relationship[t.Any]:
        self._set_rel_query(kwargs)
        return sa_orm.relationship(*args, **kwargs)

    def __getattr__(self, name: str) -> t.Any:
        """Look up ``name`` in SQLAlchemy's and its ORM's names (``db.Column``)."""
        if name == "relation":
            return self._relation
        if name == "event":
            return sa_event
        if name.startswith("_"):
            raise AttributeError(name)
        for mod in (sa, sa_orm):
            if hasattr(mod, name):
                return getattr(mod, name)
        raise AttributeError(name)


def _dispose_all(engines: dict[str | None, sa.Engine]) -> None:
    for engine in engines.values():
        engine.dispose()
