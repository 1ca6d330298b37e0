"""Jinja2 templates: the app's environment and the render functions.

Templates are found in the app's ``templates`` folder first, then in each
blueprint's ``template_folder``, so an app can override a blueprint's
template by putting one at the same path.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from jinja2 import BaseLoader, Template, TemplateNotFound
from jinja2 import Environment as BaseEnvironment

from . import signals
from .globals import _app_ctx, _cv_app

if TYPE_CHECKING:
    from ._scaffold import Scaffold
    from .app import Kolben

_AUTOESCAPED = (".html", ".htm", ".xml", ".xhtml", ".svg")
#: What a Jinja loader's ``get_source`` returns.
Source = tuple[str, str | None, Callable[[], bool] | None]


class Environment(BaseEnvironment):
    """The app's Jinja environment; it finds templates through the app.

    :param app: the application.
    :param options: Jinja ``Environment`` options (``app.jinja_options``);
        the loader is ``app.create_global_jinja_loader()`` unless given.
    """

    def __init__(self, app: Kolben, **options: Any) -> None:
        """Take the app and Jinja's environment options."""
        if "loader" not in options:
            options["loader"] = app.create_global_jinja_loader()
        super().__init__(**options)
        # A weak reference, as the JSON provider's: the app holds the
        # environment, and no cycle must keep an unused app alive.
        self.app: Kolben = weakref.proxy(app)  # type: ignore[assignment]


class DispatchingJinjaLoader(BaseLoader):
    """Look for a template with the app's loader, then each blueprint's.

    Each one's loader is its ``jinja_loader``. With ``EXPLAIN_TEMPLATE_LOADING``
    every lookup is logged (see :mod:`kolben.debughelpers`).

    :param app: the application.
    """

    def __init__(self, app: Kolben) -> None:
        # Weak, as the environment's: see Environment.
        """Take the app whose loaders are searched."""
        self.app: Kolben = weakref.proxy(app)  # type: ignore[assignment]

    def _iter_loaders(self) -> Iterator[tuple[Scaffold, BaseLoader]]:
        loader = self.app.jinja_loader
        if loader is not None:
            yield self.app, loader
        for blueprint in self.app.iter_blueprints():
            loader = blueprint.jinja_loader
            if loader is not None:
                yield blueprint, loader

    def get_source(self, environment: BaseEnvironment, template: str) -> Source:
        """Return the source of the first template found at that path.

        :param environment: the Jinja environment.
        :param template: the template's name.
        """
        if self.app.config["EXPLAIN_TEMPLATE_LOADING"]:
            return self._get_source_explained(environment, template)
        for _source, loader in self._iter_loaders():
            try:
                return loader.get_source(environment, template)
            except TemplateNotFound:
                continue
        raise TemplateNotFound(template)

    def _get_source_explained(
        self, environment: BaseEnvironment, template: str
    ) -> Source:
        from .debughelpers import explain_template_loading_attempts

        attempts: list[tuple[BaseLoader, Scaffold, Source | None]] = []
        first: Source | None = None
        for source, loader in self._iter_loaders():
            try:
                rv: Source | None = loader.get_source(environment, template)
            except TemplateNotFound:
                rv = None
            first = first or rv
            attempts.append((loader, source, rv))
        explain_template_loading_attempts(self.app, template, attempts)
        if first is None:
            raise TemplateNotFound(template)
        return first

    def list_templates(self) -> list[str]:
        """List every template any folder holds."""
        names: set[str] = set()
        for _source, loader in self._iter_loaders():
            names.update(loader.list_templates())
        return sorted(names)


def select_autoescape(filename: str | None) -> bool:
    """Autoescape strings and ``.html .htm .xml .xhtml .svg`` templates.

    :param filename: the template's name; ``None`` for a template string.
    """
    if filename is None:
        return True
    return filename.endswith(_AUTOESCAPED)


def _autoescape_of(app: Any) -> Callable[[str | None], bool]:
    """Jinja's autoescape callback: ``app.select_jinja_autoescape``, held weakly."""

    def autoescape(filename: str | None) -> bool:
        return bool(app.select_jinja_autoescape(filename))

    return autoescape


def create_environment(app: Kolben) -> Environment:
    """Make the app's environment: ``app.create_jinja_environment()`` does this.

    :param app: the application.
    """
    from .globals import g, request, session
    from .helpers import get_flashed_messages, url_for

    options = dict(app.jinja_options)
    if "autoescape" not in options:
        options["autoescape"] = _autoescape_of(weakref.proxy(app))
    if "auto_reload" not in options:
        auto_reload = app.config["TEMPLATES_AUTO_RELOAD"]
        options["auto_reload"] = app.debug if auto_reload is None else auto_reload
    env = app.jinja_environment(app, **options)
    env.globals.update(
        # The helper, not the bound method: it asks current_app, so an
        # override still applies, and the environment holds no app.
        url_for=url_for,
        get_flashed_messages=get_flashed_messages,
        config=app.config,
        # The proxies: they stand for the current request's objects.
        request=request,
        session=session,
        g=g,
    )
    # tojson escapes <, >, & and ' so its output is safe inside <script>.
    env.policies["json.dumps_function"] = app.json.dumps
    return env


def update_context(app: Kolben, context: dict[str, Any]) -> None:
    """Add what the context processors return; explicit values win.

    ``app.update_template_context(context)`` does this.

    :param app: the application.
    :param context: the template's context, changed in place.
    """
    ctx = _cv_app.get(None)
    names: list[str | None] = [None]
    if ctx is not None and ctx.request is not None:
        names.extend(reversed(ctx.request.blueprints))
    explicit = context.copy()
    for name in names:
        for processor in app.template_context_processors.get(name, ()):
            context.update(processor())
    context.update(explicit)


def _render(app: Kolben, template: Template, context: dict[str, Any]) -> str:
    app.update_template_context(context)
    if signals.before_render_template.receivers:
        signals.before_render_template.send(app, template=template, context=context)
    rv = template.render(context)
    if signals.template_rendered.receivers:
        signals.template_rendered.send(app, template=template, context=context)
    return rv


def render_template(
    template_name_or_list: str | Template | list[str | Template], **context: Any
) -> str:
    """Render a template from the templates folders.

    Example::

        return render_template("post.html", post=post)

    :param template_name_or_list: a name, or a list to use the first found.
    :param context: the variables the template sees.
    """
    app = _app_ctx().app
    template = app.jinja_env.get_or_select_template(template_name_or_list)
    return _render(app, template, context)


def render_template_string(source: str, **context: Any) -> str:
    """Render a template given as a string (autoescaped like ``.html``).

    :param source: the template source.
    :param context: the variables the template sees.
    """
    app = _app_ctx().app
    return _render(app, app.jinja_env.from_string(source), context)


async def render_template_async(
    template_name_or_list: str | Template | list[str | Template], **context: Any
) -> str:
    """Render a template in the thread pool, for ``async def`` views.

    Rendering is CPU work; in an async view it would hold up every other
    request on the event loop while it runs.

    Example::

        @app.get("/")
        async def index():
            posts = await load_posts()
            return await render_template_async("index.html", posts=posts)
    """
    app = _app_ctx().app
    runner = app._sync_runner
    if runner is None:  # pragma: no cover - only before the app serves
        return render_template(template_name_or_list, **context)
    return await runner.run(render_template, template_name_or_list, **context)


def _stream(app: Kolben, template: Template, context: dict[str, Any]) -> Iterator[str]:
    from .helpers import stream_with_context

    app.update_template_context(context)
    if signals.before_render_template.receivers:
        signals.before_render_template.send(app, template=template, context=context)

    def generate() -> Iterator[str]:
        yield from template.generate(context)
        if signals.template_rendered.receivers:
            signals.template_rendered.send(app, template=template, context=context)

    ctx = _cv_app.get(None)
    if ctx is not None and ctx.request is not None:
        return stream_with_context(generate())  # type: ignore[no-any-return]
    return generate()


def stream_template(
    template_name_or_list: str | Template | list[str | Template], **context: Any
) -> Iterator[str]:
    """Render a template piece by piece, to return as a streamed response.

    Example::

        return stream_template("report.html", rows=query_rows())
    """
    app = _app_ctx().app
    template = app.jinja_env.get_or_select_template(template_name_or_list)
    return _stream(app, template, context)


def stream_template_string(source: str, **context: Any) -> Iterator[str]:
    """Render a template string piece by piece; see ``stream_template``."""
    app = _app_ctx().app
    return _stream(app, app.jinja_env.from_string(source), context)


def get_template_attribute(template_name: str, attribute: str) -> Any:
    """Return a macro or variable a template defines, to call from Python.

    Example::

        hello = get_template_attribute("_macros.html", "hello")
        hello("World")
    """
    app = _app_ctx().app
    return getattr(app.jinja_env.get_template(template_name).module, attribute)
