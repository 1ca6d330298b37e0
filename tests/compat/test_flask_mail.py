"""Flask-Mail: a message sent from a view is recorded in the outbox."""

from __future__ import annotations

from flask import Flask, request
from flask_mail import Mail, Message

from .support import client


def make_app() -> tuple[Flask, Mail]:
    app = Flask(__name__)
    app.config.update(MAIL_SUPPRESS_SEND=True, MAIL_DEFAULT_SENDER="app@example.com")
    mail = Mail(app)

    @app.post("/invite")
    def invite() -> str:
        msg = Message("Welcome", recipients=[request.form["to"]], body="Hi there")
        mail.send(msg)
        return "sent"

    return app, mail


def test_sent_message_is_recorded(protocol: str) -> None:
    app, mail = make_app()
    c = client(app, protocol)
    with app.app_context(), mail.record_messages() as outbox:
        assert c.post("/invite", data={"to": "ada@example.com"}).data == b"sent"
    assert len(outbox) == 1
    assert outbox[0].subject == "Welcome"
    assert outbox[0].recipients == ["ada@example.com"]
    assert outbox[0].sender == "app@example.com"
    assert outbox[0].body == "Hi there"
