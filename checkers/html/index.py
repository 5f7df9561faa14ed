"""The report's index.html: one row per clip, failures first."""

from __future__ import annotations

import os
from typing import Any

from checkers.html.folder import ReportFolder, write_atomic
from checkers.html.page import document, esc, href, verdict

ORDER = {"fail": 0, "error": 1, "tampered": 1, "missing": 2, "unreadable": 1}


def write_index(folder: ReportFolder, entries: dict[str, dict[str, Any]]) -> str:
    """Write DIR/index.html from every clip's entries; returns its path."""
    rows = sorted(entries.items(), key=_order)
    counts: dict[str, int] = {}
    for _, entry in rows:
        state = _state(entry)
        counts[state] = counts.get(state, 0) + 1
    summary = ", ".join(f"{n} {state}" for state, n in sorted(counts.items()))
    body = [
        f"<h1>vidgen report: {len(rows)} clip{'s' if len(rows) != 1 else ''}</h1>",
        f'<p class="small">{esc(summary)}. Failures first; click a clip to see what went '
        "wrong and where.</p>",
        "<table><thead><tr><th></th><th>clip</th><th>verdict</th>"
        '<th class="hide-narrow">events</th></tr></thead><tbody>',
        *(_row(key, entry) for key, entry in rows),
        "</tbody></table>",
    ]
    path = folder.root / "index.html"
    write_atomic(path, document(f"vidgen report ({len(rows)} clips)", body))
    return str(path)


def _state(entry: dict[str, Any]) -> str:
    check, verify = entry.get("check"), entry.get("verify")
    if check is not None:
        return check["verdict"]
    return verify["status"] if verify is not None else "error"


def _order(item: tuple[str, dict[str, Any]]) -> tuple[int, str]:
    _, entry = item
    clip = (entry.get("check") or entry.get("verify") or {}).get("clip", "")
    return ORDER.get(_state(entry), 3), clip


def _row(key: str, entry: dict[str, Any]) -> str:
    check, verify = entry.get("check"), entry.get("verify")
    clip = (check or verify or {}).get("clip", key)
    main = (check or verify or {}).get("page", "")
    thumb = ""
    if check and check.get("thumbnail"):
        thumb = f'<a href="{href(main)}"><img src="{href(check["thumbnail"])}" alt="" loading="lazy"></a>'
    cells = [f'<td class="thumb">{thumb}</td>']
    links = [f'<a href="{href(main)}">{esc(os.path.basename(clip))}</a>']
    if check and verify:
        links.append(f'<a class="small" href="{href(verify["page"])}">provenance</a>')
    cells.append(f'<td>{" ".join(links)}<br><span class="small">{esc(clip)}</span></td>')
    states = []
    if check:
        states.append(verdict(check["verdict"]))
    if verify:
        states.append(f'<span class="small">provenance {esc(verify["status"])}</span>')
    cells.append(f"<td>{'<br>'.join(states)}</td>")
    cells.append(f'<td class="hide-narrow">{_events(check)}</td>')
    return "<tr>" + "".join(cells) + "</tr>"


def _events(check: dict[str, Any] | None) -> str:
    if not check:
        return ""
    if check.get("error"):
        return f'<span class="error">{esc(check["error"])}</span>'
    events = check.get("events", [])
    if not events:
        return '<span class="small">none</span>'
    parts = [
        f'<a href="{href(check["page"])}#event-{i}">{esc(e["check"])}/{esc(e["kind"])} '
        f"frame {int(e['frame'])}</a>"
        for i, e in enumerate(events, start=1)
    ]
    more = check.get("event_count", len(events)) - len(events)
    return "<br>".join(parts) + (f"<br>and {more} more" if more > 0 else "")
