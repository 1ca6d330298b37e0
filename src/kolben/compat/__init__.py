"""Run code written for Flask, unmodified, on kolben.

:mod:`kolben.compat.flask` makes ``import flask`` resolve to kolben, and
bridges Werkzeug's exceptions and data structures to kolben's, so that a Flask
extension imports and runs on a kolben app. Nothing here is imported by the
rest of kolben: it changes the process only once the user calls
``kolben.compat.flask.install()``. See ``docs/flask-compat.md``.
"""

from __future__ import annotations
