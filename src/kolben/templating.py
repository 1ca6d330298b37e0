"""Jinja2 templates: the app's environment and the render functions.

Templates are found in the app's ``templates`` folder first, then in each
blueprint's ``template_folder``, so an app can override a blueprint's
template by putting one at the same path.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from jinja2 import BaseLoader, FileSystemLoader, Template, TemplateNotFound
from jinja2 import Environment as BaseEnvironment

from . import signals
from .globals import _app_ctx, _cv_app

if TYPE_CHECKING:
    from ._scaffold import Scaffold
    from .app import Kolben

_AUTOESCAPED = (".html", ".htm", ".xml", ".xhtml", ".svg")


class Environment(BaseEnvironment):
    """The app's Jinja environment; it finds templates through the app.

    :param app: the application.
    :param options: Jinja ``Environment`` options (``app.jinja_options``).
    """

    def __init__(self, app: Kolben, **options: Any) -> None:
        options.setdefault("loader", DispatchingJinjaLoader(app))
        super().__init__(**options)
        self.app = app


def template_loader(scaffold: Scaffold) -> FileSystemLoader | None:
    """The loader for an app's or blueprint's own ``template_folder``."""
    folder = getattr(scaffold, "template_folder", None)
    if folder is None:
        return None
    return FileSystemLoader(os.path.join(scaffold.root_path, folder))


class DispatchingJinjaLoader(BaseLoader):
    """Look for a template in the app's folder, then in each blueprint's."""

    def __init__(self, app: Kolben) -> None:
        self.app = app

    def _loaders(self) -> Iterator[BaseLoader]:
        loader = template_loader(self.app)
        if loader is not None:
            yield loader
        for blueprint in self.app.iter_blueprints():
            loader = template_loader(blueprint)
            if loader is not None:
                yield loader

    def get_source(
        self, environment: BaseEnvironment, template: str
    ) -> tuple[str, str | None, Callable[[], bool] | None]:
        """Return the source of the first template found at that path."""
        for loader in self._loaders():
            try:
                return loader.get_source(environment, template)
            except TemplateNotFound:
                continue
        raise TemplateNotFound(template)

    def list_templates(self) -> list[str]:
        """List every template any folder holds."""
        names: set[str] = set()
        for loader in self._loaders():
            names.update(loader.list_templates())
        return sorted(names)


def select_autoescape(filename: str | None) -> bool:
    """Autoescape strings and ``.html .htm .xml .xhtml .svg`` templates."""
    if filename is None:
        return True
    return filename.endswith(_AUTOESCAPED)


def create_environment(app: Kolben) -> Environment:
    """Make the app's environment with kolben's globals and filters."""
    from .globals import g, request, session
    from .helpers import get_flashed_messages

    options = dict(app.jinja_options)
    options.setdefault("autoescape", select_autoescape)
    if "auto_reload" not in options:
        auto_reload = app.config["TEMPLATES_AUTO_RELOAD"]
        options["auto_reload"] = app.debug if auto_reload is None else auto_reload
    env = Environment(app, **options)
    env.globals.update(
        url_for=app.url_for,
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


def _context(app: Kolben, context: dict[str, Any]) -> dict[str, Any]:
    """Add what the context processors return; explicit values win."""
    ctx = _cv_app.get(None)
    names: list[str | None] = [None]
    if ctx is not None and ctx.request is not None:
        names.extend(reversed(ctx.request.blueprints))
    rv: dict[str, Any] = {}
    for name in names:
        for processor in app.template_context_processors.get(name, ()):
            rv.update(processor())
    rv.update(context)
    return rv


def _render(app: Kolben, template: Template, context: dict[str, Any]) -> str:
    context = _context(app, context)
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

    context = _context(app, context)
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
