"""Sphinx configuration of kolben's documentation site.

Build it with ``sphinx-build -W --keep-going -n -b html docs docs/_build/html``:
warnings are errors, every cross-reference must resolve (nitpicky), and
nothing is fetched from the network.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

project = "kolben"
author = "The kolben developers"
copyright = "the kolben developers"
release = "0.1.0"

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
]

source_suffix = {".md": "markdown"}
root_doc = "index"
# The benchmark tables are included by benchmarks.md, not pages of their own.
exclude_patterns = ["_build", "conftest.py", "**/.pytest_cache", "_static/bench/*.md"]

# MyST: Markdown links to other pages become checked cross-references, and
# a link to a page or heading that does not exist is a warning (an error
# under -W). Headings get anchors so pages can link to sections.
myst_enable_extensions = ["colon_fence", "deflist", "fieldlist"]
myst_heading_anchors = 3
suppress_warnings: list[str] = []

html_theme = "furo"
html_title = "kolben"
html_static_path = ["_static"]
html_css_files = ["kolben.css"]
html_theme_options = {
    "source_repository": "",
    "navigation_with_keys": True,
}

autodoc_member_order = "bysource"
# Classes show what they inherit from kolben's own (private) bases, such as
# Kolben's ``route`` from its registration base; what they inherit from the
# standard library or a battery's library is that library's to document.
autodoc_default_options = {
    "members": True,
    "show-inheritance": True,
    "inherited-members": True,
}
autodoc_typehints = "signature"
autodoc_preserve_defaults = True

nitpicky = True

# Types of the standard library and of the batteries' libraries: no
# inventory of theirs is available offline, so references to them are not
# checked. Type variables and private helpers are not documented on purpose.
nitpick_ignore_regex = [
    (r"py:.*", r"(collections|cabc|os|io|sys|ssl|uuid|types|shlex|tempfile)(\..*)?"),
    (r"py:.*", r"argparse(\..*)?"),
    (r"py:.*", r"(typing|t|te|logging|asyncio|enum|hmac|datetime)(\..*)?"),
    (r"py:.*", r"(sa|sqlalchemy|alembic|wtforms|pydantic|markupsafe|click)\..*"),
    (r"py:.*", r"(limits|cachelib|itsdangerous|jinja2|redis|jwt|werkzeug)\..*"),
    (r"py:.*", r"(prometheus_client|opentelemetry)\..*"),
    (r"py:(class|obj)", r"(.*\.)?[A-Z]"),
    # Jinja's, click's and limits' classes where annotations name them bare.
    (r"py:(class|exc)", r"Undefined|UndefinedError|Context|TemplateStream|Extension"),
    (r"py:(class|exc)", r"PrefixLoader|ChoiceLoader|Command|URLSafeTimedSerializer"),
    (r"py:class", r"RateLimitItem|RateLimiter|Storage|_AnyExecuteParams"),
    (r"py:class", r"LimitValue|RuntimeLimit|Send|Receive|(list|dict|tuple)\[.*"),
    # SQLAlchemy's, Alembic's and click's names, in annotations and in the
    # docstrings of attributes kolben's classes inherit from them.
    (r"py:class", r"WSGIApplication|WSGIEnvironment|StartResponse"),  # typeshed's
    (
        r"py:(class|exc|attr|meth)",
        r"AsyncSession|CommandError|EnvironmentContext\..*|Group",
    ),
    (r"py:.*", r"kolben(\.\w+)*\._\w+(\..*)?"),
]


def _resolve_short_names(app: Any, env: Any, node: Any, contnode: Any) -> Any:
    """Resolve ``Kolben`` or ``kolben.app.Kolben`` to the documented name.

    Annotations name classes by the module that defines them (or, in
    strings, by their bare name); the reference documents each at its
    public path (``kolben.Kolben``). A target resolves when exactly one
    documented object has its last component, preferring the public path.
    """
    if node.get("refdomain") != "py":
        return None
    from sphinx.util.nodes import make_refnode

    domain = env.get_domain("py")
    target = node["reftarget"]
    if node["reftype"] == "mod":
        package = target
        while "." in package:
            package = package.rpartition(".")[0]
            if package in domain.modules:
                entry = domain.modules[package]
                return make_refnode(
                    app.builder,
                    node["refdoc"],
                    entry.docname,
                    entry.node_id,
                    contnode,
                    package,
                )
        return None
    short = target.rpartition(".")[2]
    candidates = [
        (name, entry)
        for name, entry in domain.objects.items()
        if name.rpartition(".")[2] == short and not entry.aliased
    ]
    if not candidates:
        return None
    # Prefer the shortest (most public) path, then the one closest to the
    # module the reference was written in.
    candidates.sort(key=lambda c: (c[0].count("."), c[0]))
    name, entry = candidates[0]
    if len(candidates) > 1 and candidates[1][0].count(".") == name.count("."):
        here = node.get("py:module") or ""
        near = [c for c in candidates if c[0].startswith(here.split(".")[0] + ".")]
        if target.count(".") == 0 and near:
            name, entry = near[0]
    return make_refnode(
        app.builder, node["refdoc"], entry.docname, entry.node_id, contnode, name
    )


def _skip_foreign_inherited(
    app: Any, what: str, name: str, obj: Any, skip: bool, options: Any
) -> bool | None:
    """Leave out members a class inherits from outside kolben."""
    if skip or what != "class":
        return None
    try:
        func = getattr(obj, "fget", None) or getattr(obj, "func", None) or obj
        module = getattr(func, "__module__", None)
        if module is None and hasattr(obj, "__objclass__"):
            module = getattr(obj.__objclass__, "__module__", None)
    except RuntimeError:  # a context proxy (``request``) outside a request
        return None
    if module is not None and not str(module).startswith("kolben"):
        return True
    return None


def setup(app: Any) -> None:
    """Add the resolver of short names and the filter of inherited members."""
    app.connect("missing-reference", _resolve_short_names)
    app.connect("autodoc-skip-member", _skip_foreign_inherited)
