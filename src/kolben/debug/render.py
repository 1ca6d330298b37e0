"""Render a debug report as a self-contained HTML page or as JSON data."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from markupsafe import escape

from ._frames import Frame
from ._request import RequestSummary, unavailable_text
from ._saferepr import plain
from ._style import STYLE
from .report import DebugReport, ExceptionInfo

_LINKS = {
    "cause": "The above exception was the direct cause of the following exception:",
    "context": "During handling of the above exception, another exception occurred:",
}

# SECURITY: defence in depth. Everything is escaped, and even if something
# slipped through, the browser would run no script and load nothing.
_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def _h(text: str) -> str:
    """Return ``text`` HTML-escaped, ignoring any claim to be safe markup."""
    # SECURITY: plain() drops str subclasses such as Markup, whose
    # __html__ would make escape() pass them through unescaped.
    return str(escape(plain(text)))


def render_html(report: DebugReport) -> str:
    """Render ``report`` as a self-contained HTML page.

    The page has inline CSS, no JavaScript and no external resources, and
    every value in it is HTML-escaped.

    :param report: The report to show.
    """
    title = f"{report.title} // kolben debug"
    parts = [
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n',
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">\n',
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n',
        '<meta name="robots" content="noindex">\n',
        f"<title>{_h(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        _header_html(report),
        "<main>\n",
        _traceback_html(report),
        _request_html(report.request),
        "</main>\n<footer>This page is shown because the application runs in "
        "debug mode. Never run debug mode in production.</footer>\n",
        "</body>\n</html>\n",
    ]
    return "".join(parts)


def _header_html(report: DebugReport) -> str:
    """Render the exception summary at the top of the page."""
    where = ""
    frame = _focus_frame(report.frames)
    if frame is not None:
        where = (
            f'<p class="where">in <code>{_h(frame.function)}</code> at '
            f"<code>{_h(frame.filename)}</code>, line {frame.lineno}</p>\n"
        )
    return (
        '<header class="exc">\n<p class="kind">Unhandled exception</p>\n'
        f"<h1>{_h(report.exception.full_name)}</h1>\n"
        f'<pre class="message">{_h(report.message)}</pre>\n{where}</header>\n'
    )


def _focus_frame(frames: Iterable[Frame]) -> Frame | None:
    """Return the newest frame in user code, else the newest frame."""
    frames = tuple(frames)
    for frame in reversed(frames):
        if frame.is_user_code:
            return frame
    return frames[-1] if frames else None


def _traceback_html(report: DebugReport) -> str:
    """Render every exception of the chain, oldest first, like Python."""
    parts = ['<section class="traceback">\n<h2>Traceback ']
    parts.append("<small>(most recent call last)</small></h2>\n")
    focus = _focus_frame(report.frames)
    for info in report.chain:
        parts.append(_exception_html(info, focus))
        if info.relation is not None:
            parts.append(f'<p class="link">{_h(_LINKS[info.relation])}</p>\n')
    parts.append("</section>\n")
    return "".join(parts)


def _exception_html(info: ExceptionInfo, focus: Frame | None) -> str:
    """Render one exception's frames followed by its ``Type: message`` line."""
    parts = ['<div class="exception">\n']
    if info.frames_omitted:
        parts.append(
            f'<p class="omitted">{info.frames_omitted} older frames omitted</p>\n'
        )
    parts.extend(_frame_html(frame, frame is focus) for frame in info.frames)
    message = f": {info.message}" if info.message else ""
    parts.append(
        f'<p class="exc-line">{_h(info.full_name)}<span class="mono">'
        f"{_h(message)}</span></p>\n"
    )
    parts.extend(f'<p class="note">{_h(note)}</p>\n' for note in info.notes)
    parts.append("</div>\n")
    return "".join(parts)


def _frame_html(frame: Frame, is_focus: bool) -> str:
    """Render one frame: its location, source context and locals."""
    kind = "user" if frame.is_user_code else "library"
    tag = "" if frame.is_user_code else f'<span class="tag">{_h(frame.origin)}</span>'
    parts = [
        f'<div class="frame {kind}">\n<div class="frame-head">File '
        f'<span class="mono">"{_h(frame.filename)}"</span>, line {frame.lineno}, '
        f'in <span class="func mono">{_h(frame.function)}</span>{tag}</div>\n'
    ]
    if frame.source:
        lines = "".join(
            f'<span class="line{" current" if line.is_current else ""}">'
            f'<span class="ln">{line.number}</span>{_h(line.text)}</span>'
            for line in frame.source
        )
        source = f'<pre class="source">{lines}</pre>\n'
        if not frame.is_user_code:
            # Framework and library frames stay folded, so the eye lands on
            # the user's own frames.
            source = f"<details><summary>Source</summary>\n{source}</details>\n"
        parts.append(source)
    else:
        parts.append('<p class="nosource">(source not available)</p>\n')
    parts.append(_locals_html(frame, is_focus))
    parts.append("</div>\n")
    return "".join(parts)


def _locals_html(frame: Frame, is_open: bool) -> str:
    """Render a frame's locals in a collapsible table."""
    if not frame.locals:
        return ""
    count = len(frame.locals)
    more = f", {frame.locals_omitted} more not shown" if frame.locals_omitted else ""
    rows = "".join(
        f'<tr><th class="mono">{_h(name)}</th><td><pre>{_h(value)}</pre></td></tr>'
        for name, value in frame.locals
    )
    return (
        f"<details{' open' if is_open else ''}><summary>Local variables "
        f"({count}{more})</summary>\n<table>{rows}</table>\n</details>\n"
    )


def _request_html(summary: RequestSummary | None) -> str:
    """Render the request section at the bottom of the page."""
    if summary is None:
        return ""
    files = [(name, filename) for name, filename in summary.files]
    sections = [
        ("General", "general", _general_rows(summary)),
        ("Query arguments", "args", list(summary.args)),
        ("Headers", "headers", list(summary.headers)),
        ("Form fields (names only)", "form", [(k, "") for k in summary.form_keys]),
        ("Files", "files", files),
        ("Cookies (names only)", "cookies", [(k, "") for k in summary.cookie_names]),
    ]
    parts = ['<section class="request">\n<h2>Request</h2>\n']
    for heading, part, rows in sections:
        parts.append(f"<h3>{_h(heading)}</h3>\n")
        parts.append(_rows_html(rows, summary.unavailable.get(part)))
    parts.append("</section>\n")
    return "".join(parts)


def _general_rows(summary: RequestSummary) -> list[tuple[str, str]]:
    """Return the method, URL and client rows, with unreadable ones noted."""
    rows = []
    for label, part, value in (
        ("Method", "method", summary.method),
        ("URL", "url", summary.url),
        ("Client", "remote_addr", summary.remote_addr),
    ):
        reason = summary.unavailable.get(part)
        rows.append((label, unavailable_text(reason) if reason else value))
    return rows


def _rows_html(rows: list[tuple[str, str]], reason: str | None) -> str:
    """Render name/value rows, or why they could not be read."""
    if reason is not None:
        return f'<p class="muted">{_h(unavailable_text(reason))}</p>\n'
    if not rows:
        return '<p class="muted">(none)</p>\n'
    body = "".join(
        f'<tr><th class="mono">{_h(name)}</th><td><pre>{_h(value)}</pre></td></tr>'
        for name, value in rows
    )
    return f"<table>{body}</table>\n"


def render_json(report: DebugReport) -> dict[str, Any]:
    """Return the content of ``report`` as JSON-serializable data.

    The shape is ``{"error": {"type", "module", "message", "notes",
    "causes"}, "traceback": [frame, ...], "request": {...} or None}``, each
    frame ``{"file", "line", "function", "code", "origin", "user_code",
    "context", "locals", "locals_omitted"}``.

    :param report: The report to convert.
    """
    exc = report.exception
    error = _exception_json(exc)
    del error["traceback"], error["relation"]
    error["causes"] = [_exception_json(cause) for cause in report.causes]
    return {
        "error": error,
        "traceback": [_frame_json(frame) for frame in exc.frames],
        "frames_omitted": exc.frames_omitted,
        "request": None if report.request is None else _request_json(report.request),
    }


def _exception_json(info: ExceptionInfo) -> dict[str, Any]:
    return {
        "type": info.type_name,
        "module": info.module,
        "message": info.message,
        "notes": list(info.notes),
        "relation": info.relation,
        "traceback": [_frame_json(frame) for frame in info.frames],
    }


def _frame_json(frame: Frame) -> dict[str, Any]:
    return {
        "file": frame.filename,
        "line": frame.lineno,
        "function": frame.function,
        "code": frame.code,
        "origin": frame.origin,
        "user_code": frame.is_user_code,
        "context": [
            {"line": line.number, "code": line.text, "current": line.is_current}
            for line in frame.source
        ],
        "locals": dict(frame.locals),
        "locals_omitted": frame.locals_omitted,
    }


def _request_json(summary: RequestSummary) -> dict[str, Any]:
    args: dict[str, list[str]] = {}
    for name, value in summary.args:
        args.setdefault(name, []).append(value)
    headers: dict[str, str] = {}
    for name, value in summary.headers:
        headers[name] = f"{headers[name]}, {value}" if name in headers else value
    return {
        "method": summary.method,
        "url": summary.url,
        "remote_addr": summary.remote_addr,
        "headers": headers,
        "args": args,
        "form_keys": list(summary.form_keys),
        "files": [{"field": name, "filename": fn} for name, fn in summary.files],
        "cookie_names": list(summary.cookie_names),
        "unavailable": dict(summary.unavailable),
    }
