"""Click groups whose commands run in the application's context."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar, overload

import click

from ._discovery import ScriptInfo
from .ctx import has_app_context

F = TypeVar("F", bound=Callable[..., Any])


def with_appcontext(f: F) -> F:
    """Run a click command inside the application's context.

    Commands registered with ``app.cli.command()`` get this by default.

    Example::

        @click.command()
        @with_appcontext
        def init_db():
            db.create_all()
    """

    @click.pass_context
    def decorator(ctx: click.Context, /, *args: Any, **kwargs: Any) -> Any:
        if not has_app_context():
            app = ctx.ensure_object(ScriptInfo).load_app()
            ctx.with_resource(app.app_context())
        return ctx.invoke(f, *args, **kwargs)

    return functools.update_wrapper(decorator, f)  # type: ignore[return-value]


class AppGroup(click.Group):
    """A click group whose commands run inside an app context by default.

    ``app.cli`` is one. Pass ``with_appcontext=False`` to ``command()`` for a
    command that does not need the application.

    Example::

        @app.cli.command()
        @click.argument("name")
        def create_user(name):
            db.session.add(User(name=name))
    """

    @overload
    def command(self, __func: Callable[..., Any]) -> click.Command: ...

    @overload
    def command(
        self, *args: Any, **kwargs: Any
    ) -> Callable[[Callable[..., Any]], click.Command]: ...

    def command(
        self, *args: Any, **kwargs: Any
    ) -> click.Command | Callable[[Callable[..., Any]], click.Command]:
        """Register a command, wrapped in :func:`~kolben.cli.with_appcontext`.

        Works with and without parentheses: ``@app.cli.command`` or
        ``@app.cli.command("name", with_appcontext=False)``.

        :param args: passed to :meth:`click.Group.command`.
        :param kwargs: likewise, plus ``with_appcontext`` (default ``True``).
        """
        if len(args) == 1 and callable(args[0]) and not kwargs:
            return self.command()(args[0])
        wrap = kwargs.pop("with_appcontext", True)

        def decorator(f: Callable[..., Any]) -> click.Command:
            if wrap:
                f = with_appcontext(f)
            command: click.Command = super(AppGroup, self).command(*args, **kwargs)(f)
            return command

        return decorator

    @overload
    def group(self, __func: Callable[..., Any]) -> click.Group: ...

    @overload
    def group(
        self, *args: Any, **kwargs: Any
    ) -> Callable[[Callable[..., Any]], click.Group]: ...

    def group(
        self, *args: Any, **kwargs: Any
    ) -> click.Group | Callable[[Callable[..., Any]], click.Group]:
        """Register a subgroup: a :class:`~kolben.cli.AppGroup` unless ``cls`` says.

        :param args: passed to :meth:`click.Group.group`.
        :param kwargs: likewise.
        """
        kwargs.setdefault("cls", AppGroup)
        made: click.Group | Callable[[Callable[..., Any]], click.Group]
        made = super().group(*args, **kwargs)
        return made


def merge_cli_group(
    app_cli: click.Group, group: click.Group, cli_group: str | None, name: str
) -> None:
    """Add a blueprint's commands to ``app.cli``; the hook blueprints call.

    :param app_cli: the application's command group.
    :param group: the blueprint's command group.
    :param cli_group: the group name to nest the commands under; ``None``
        adds them to ``app_cli`` directly.
    :param name: the default group name (the blueprint's name), used when
        ``cli_group`` is the empty string.
    """
    if not group.commands:
        return
    if cli_group is None:
        app_cli.commands.update(group.commands)
        return
    group.name = cli_group or name
    app_cli.add_command(group)
