"""The accounts example as a browser test serves it, on a fresh database.

Its SQLite file is ``KOLBEN_BROWSER_ACCOUNTS_DB``, which the test sets.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
sys.path.insert(0, str(EXAMPLES))

from accounts import create_app  # noqa: E402
from accounts.models import db  # noqa: E402

app = create_app(
    {
        "SECRET_KEY": "browser tests",
        "JWT_SECRET_KEY": "browser tests: a JWT key of 32 bytes",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{os.environ['KOLBEN_BROWSER_ACCOUNTS_DB']}",
    }
)
with app.app_context():
    db.create_all()


@app.get("/ping")
def ping() -> str:
    """Tell the test the server is up."""
    return "pong"
