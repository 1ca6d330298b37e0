"""The inline stylesheet of the debug page."""

from __future__ import annotations

# One self-contained stylesheet: the page loads nothing from elsewhere, so it
# works offline and under a strict Content-Security-Policy.
STYLE = """
:root { color-scheme: light; --ink: #1d232a; --muted: #66707a; --line: #d9dee3;
  --accent: #b3261e; --user: #fff8e1; --hit: #ffe0dc; --code: #f6f8fa; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif;
  color: var(--ink); background: #fff; }
code, pre, .mono { font: 13px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas,
  monospace; }
header.exc { padding: 24px 32px; background: var(--accent); color: #fff; }
header.exc .kind { margin: 0; opacity: .85; text-transform: uppercase;
  letter-spacing: .08em; font-size: 12px; }
header.exc h1 { margin: 4px 0 8px; font-size: 26px; word-break: break-word; }
header.exc pre.message { margin: 0; white-space: pre-wrap; word-break: break-word;
  font-size: 15px; }
header.exc .where { margin: 12px 0 0; opacity: .9; }
main { padding: 8px 32px 32px; max-width: 1200px; }
h2 { margin: 28px 0 12px; font-size: 19px; }
h2 small { color: var(--muted); font-weight: normal; }
.frame { margin: 0 0 14px; border: 1px solid var(--line); border-radius: 6px;
  overflow: hidden; }
.frame.user { border-color: #e0b64d; box-shadow: 0 1px 3px rgba(0,0,0,.08); }
.frame.user .frame-head { background: var(--user); }
.frame.library { opacity: .62; }
.frame.library:hover { opacity: 1; }
.frame-head { padding: 8px 12px; background: var(--code);
  border-bottom: 1px solid var(--line); word-break: break-all; }
.frame-head .func { font-weight: 600; }
.tag { display: inline-block; margin-left: 6px; padding: 0 6px; border-radius: 3px;
  background: var(--line); color: var(--muted); font-size: 11px;
  text-transform: uppercase; }
pre.source { margin: 0; padding: 6px 0; overflow-x: auto; background: #fff; }
pre.source span.line { display: block; padding: 0 12px; white-space: pre; }
pre.source span.current { background: var(--hit); font-weight: 600; }
pre.source span.ln { display: inline-block; min-width: 4ch; margin-right: 12px;
  color: var(--muted); text-align: right; user-select: none; }
.nosource { margin: 0; padding: 6px 12px; color: var(--muted); }
details { border-top: 1px solid var(--line); }
details summary { padding: 6px 12px; cursor: pointer; color: var(--muted); }
table { width: 100%; border-collapse: collapse; }
th, td { padding: 4px 12px; border-top: 1px solid var(--line); text-align: left;
  vertical-align: top; }
th { width: 22%; font-weight: 600; word-break: break-all; }
td pre { margin: 0; white-space: pre-wrap; word-break: break-all; }
.exc-line { margin: 10px 0 4px; font-weight: 600; white-space: pre-wrap;
  word-break: break-word; }
.note { margin: 0 0 4px; color: var(--muted); white-space: pre-wrap; }
.link { margin: 22px 0; padding: 8px 12px; border-left: 4px solid var(--line);
  color: var(--muted); font-style: italic; }
.omitted, .muted { color: var(--muted); }
section.request table { border: 1px solid var(--line); }
footer { padding: 16px 32px; color: var(--muted); border-top: 1px solid var(--line);
  font-size: 13px; }
"""
