"""The modular example as a browser test serves it, on a fresh database.

Its SQLite file is ``KOLBEN_BROWSER_MODULAR_DB``, which the test sets.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
sys.path.insert(0, str(EXAMPLES))

from modular import create_app  # noqa: E402
from modular.models import db  # noqa: E402

app = create_app(
    {
        "SECRET_KEY": "browser tests",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{os.environ['KOLBEN_BROWSER_MODULAR_DB']}",
    }
)
with app.app_context():
    db.create_all()


@app.get("/ping", include_in_schema=False)
def ping() -> str:
    """Tell the test the server is up."""
    return "pong"
