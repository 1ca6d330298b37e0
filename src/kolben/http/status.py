"""HTTP status codes, their reason phrases and WSGI status lines."""

from __future__ import annotations

__all__ = ["HTTP_STATUS_CODES", "parse_status", "status_line"]

HTTP_STATUS_CODES: dict[int, str] = {
    100: "Continue",
    101: "Switching Protocols",
    102: "Processing",
    103: "Early Hints",
    200: "OK",
    201: "Created",
    202: "Accepted",
    203: "Non-Authoritative Information",
    204: "No Content",
    205: "Reset Content",
    206: "Partial Content",
    207: "Multi-Status",
    208: "Already Reported",
    226: "IM Used",
    300: "Multiple Choices",
    301: "Moved Permanently",
    302: "Found",
    303: "See Other",
    304: "Not Modified",
    305: "Use Proxy",
    306: "Switch Proxy",
    307: "Temporary Redirect",
    308: "Permanent Redirect",
    400: "Bad Request",
    401: "Unauthorized",
    402: "Payment Required",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    406: "Not Acceptable",
    407: "Proxy Authentication Required",
    408: "Request Timeout",
    409: "Conflict",
    410: "Gone",
    411: "Length Required",
    412: "Precondition Failed",
    413: "Request Entity Too Large",
    414: "Request URI Too Long",
    415: "Unsupported Media Type",
    416: "Requested Range Not Satisfiable",
    417: "Expectation Failed",
    418: "I'm a teapot",
    421: "Misdirected Request",
    422: "Unprocessable Entity",
    423: "Locked",
    424: "Failed Dependency",
    425: "Too Early",
    426: "Upgrade Required",
    428: "Precondition Required",
    429: "Too Many Requests",
    431: "Request Header Fields Too Large",
    449: "Retry With",
    451: "Unavailable For Legal Reasons",
    500: "Internal Server Error",
    501: "Not Implemented",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
    505: "HTTP Version Not Supported",
    506: "Variant Also Negotiates",
    507: "Insufficient Storage",
    508: "Loop Detected",
    510: "Not Extended",
    511: "Network Authentication Failed",
}

# PERF: every response needs a status line; build them once at import time.
_STATUS_LINES: dict[int, str] = {
    code: f"{code} {phrase.upper()}" for code, phrase in HTTP_STATUS_CODES.items()
}


def status_line(code: int) -> str:
    """Return the WSGI status line for *code*, e.g. ``"404 NOT FOUND"``.

    Unknown codes get the phrase ``UNKNOWN`` as Werkzeug does.

    :param code: The numeric HTTP status code.
    """
    line = _STATUS_LINES.get(code)
    if line is None:
        line = f"{code} UNKNOWN"
    return line


def parse_status(status: str | int) -> tuple[int, str]:
    """Split a status given as an int or string into code and status line.

    ``404``, ``"404"``, ``"404 NOT FOUND"`` and ``"404 Custom Reason"`` are all
    accepted; a reason given by the caller is kept as written.

    :param status: The status as an int or a string starting with the code.
    :raises ValueError: If the status is not a three-digit code in 100-999.
    """
    if isinstance(status, int) and not isinstance(status, bool):
        return _check_code(status, status), status_line(status)
    if not isinstance(status, str):
        raise TypeError(
            f"The status must be an int or a str, not {type(status).__name__}."
        )
    text = status.strip()
    code_text, _, reason = text.partition(" ")
    if not (len(code_text) == 3 and code_text.isascii() and code_text.isdigit()):
        raise ValueError(
            f"Invalid status {status!r}: it must start with a three-digit code,"
            " e.g. 200 or '404 NOT FOUND'."
        )
    code = _check_code(int(code_text), status)
    reason = reason.strip()
    # SECURITY: the reason goes verbatim into the response head.
    if "\r" in reason or "\n" in reason or "\0" in reason:
        raise ValueError(
            f"Invalid status {status!r}: the reason must not contain newlines."
        )
    if not reason:
        return code, status_line(code)
    return code, f"{code} {reason}"


def _check_code(code: int, original: str | int) -> int:
    """Return *code* if it is a valid HTTP status code, else raise."""
    if not 100 <= code <= 999:
        raise ValueError(
            f"Invalid status {original!r}: the code must be between 100 and 999."
        )
    return code
