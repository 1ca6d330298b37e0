"""Which limits apply to an endpoint, worked out once per endpoint.

Flask-Limiter's rules: application limits apply everywhere unless exempt;
a view's decorated limits, and its blueprint's limits, replace the default
limits unless they were declared with ``override_defaults=False``, or none
of them applies to the request's method; ``exempt`` removes the default and
application limits of a view or blueprint, with flags for nested
blueprints.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from .constants import ExemptionScope
from .util import get_qualified_name

if TYPE_CHECKING:
    from ..app import Kolben
    from ._extension import Limiter
    from ._limits import Limit

_NONE = ExemptionScope.NONE


@dataclasses.dataclass(frozen=True, slots=True)
class Plan:
    """The limits of one endpoint, by where they are checked."""

    #: The qualified name of the endpoint's view.
    name: str
    #: Application-wide limits: checked before the view.
    application: tuple[Limit, ...]
    #: The view's and its blueprint's limits.
    explicit: tuple[Limit, ...]
    #: The default limits, unless the explicit ones replace them.
    defaults: tuple[Limit, ...]
    #: Whether the defaults apply whatever the method (no explicit limit
    #: overrides them); otherwise only when no explicit limit applies to it.
    defaults_always: bool
    #: Whether the view is decorated: then its wrapper checks ``explicit``
    #: and ``defaults``, in the view's own thread or loop.
    in_view: bool


def plan_for(
    limiter: Limiter, app: Kolben, endpoint: str, blueprint: str | None
) -> Plan:
    """Return the :class:`Plan` of ``endpoint``."""
    view = app.view_functions.get(endpoint)
    name = get_qualified_name(view) if view is not None else ""
    scope = exemption_scope(limiter, app, name, blueprint)
    decorated: list[Limit] = []
    if not limiter._route_exemptions.get(name, _NONE):
        decorated = list(limiter._decorated_limits.get(name, ()))
    explicit = list(decorated)
    if blueprint and all(not lim.override_defaults for lim in decorated):
        explicit.extend(blueprint_limits(limiter, app, blueprint))
    application: tuple[Limit, ...] = ()
    if not scope & ExemptionScope.APPLICATION:
        application = tuple(limiter._application_limits)
    defaults: tuple[Limit, ...] = ()
    if not scope & ExemptionScope.DEFAULT:
        defaults = tuple(limiter._default_limits)
    return Plan(
        name=name,
        application=application,
        explicit=tuple(explicit),
        defaults=defaults,
        defaults_always=all(not lim.override_defaults for lim in explicit),
        in_view=name in limiter._marked_for_limiting,
    )


def exemption_scope(
    limiter: Limiter, app: Kolben, name: str, blueprint: str | None
) -> ExemptionScope:
    """Return what the view ``name`` in ``blueprint`` is exempt from."""
    route = limiter._route_exemptions.get(name, _NONE)
    if not blueprint or blueprint not in app.blueprints:
        return route
    own, ancestors = _blueprint_exemptions(limiter, app, blueprint)
    if own & ~(ExemptionScope.DEFAULT | ExemptionScope.APPLICATION) or ancestors:
        for flags in ancestors.values():
            own |= flags
    return route | own


def _blueprint_exemptions(
    limiter: Limiter, app: Kolben, blueprint: str
) -> tuple[ExemptionScope, dict[str, ExemptionScope]]:
    """Return a blueprint's own exemption, and its exempting ancestors'."""
    exemptions = limiter._blueprint_exemptions
    name = app.blueprints[blueprint].name
    own = exemptions.get(name, _NONE) & ~ExemptionScope.ANCESTORS
    chain = set(blueprint.split("."))
    ancestors = {
        bp: flags
        for bp, flags in exemptions.items()
        if flags & ExemptionScope.DESCENDENTS and bp in chain
    }
    return own, ancestors


def blueprint_limits(limiter: Limiter, app: Kolben, blueprint: str) -> list[Limit]:
    """Return the limits a blueprint's routes get from it and its parents.

    A blueprint's own limits that all override defaults replace those of
    the blueprints it is nested in, as does ``ExemptionScope.ANCESTORS``.
    """
    instance = app.blueprints.get(blueprint)
    if instance is None:
        return []
    name = instance.name
    own_exemption, ancestor_exemptions = _blueprint_exemptions(limiter, app, blueprint)
    if own_exemption & ~(ExemptionScope.DEFAULT | ExemptionScope.APPLICATION):
        return []
    registered = limiter._blueprint_limits
    own = registered.get(name, [])
    if (own and all(lim.override_defaults for lim in own)) or (
        limiter._blueprint_exemptions.get(name, _NONE) & ExemptionScope.ANCESTORS
    ):
        return list(own)
    chain = [bp for bp in blueprint.split(".") if bp not in ancestor_exemptions]
    return [lim for bp in chain for lim in registered.get(bp, ())]
