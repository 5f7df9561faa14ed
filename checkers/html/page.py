"""The page frame every report page shares: one inline stylesheet, no script, no network.

Everything a user wrote (file names, messages, prompts) goes through `esc`; links and
image sources are relative paths made here, so the pages open from the file system.
"""

from __future__ import annotations

import html
import urllib.parse
from collections.abc import Iterable

STYLE = """
*{box-sizing:border-box}
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0 auto;
max-width:1100px;padding:12px;color:#1b1b1b;background:#fafafa}
h1{font-size:1.25em;margin:.2em 0;word-break:break-all}h2{font-size:1.1em;margin:1.2em 0 .4em}
a{color:#0b57d0}
.pass{color:#137333}.fail{color:#c5221f}.error{color:#b06000}
.verdict{font-weight:700;text-transform:uppercase}
.strip{display:grid;grid-template-columns:repeat(auto-fill,minmax(120px,1fr));gap:4px}
.strip figure,.card figure{margin:0}
figure img,img.plot{width:100%;height:auto;display:block;border-radius:3px}
figcaption{font-size:.8em;color:#555;text-align:center}
.card{background:#fff;border:1px solid #ddd;border-left:4px solid #c5221f;border-radius:4px;
padding:8px;margin:8px 0}
.card .frames{display:grid;grid-template-columns:repeat(3,1fr);gap:4px}
.card p{margin:.3em 0}
.at figcaption{font-weight:700;color:#c5221f}
.plot{max-width:576px}
table{border-collapse:collapse;width:100%;background:#fff}
td,th{border-bottom:1px solid #e5e5e5;padding:4px 6px;text-align:left;vertical-align:top}
td.thumb{width:130px}td.thumb img{width:120px;height:auto}
.small{font-size:.85em;color:#555}
dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;background:#fff;
padding:8px;border:1px solid #ddd;border-radius:4px}dt{font-weight:600}dd{margin:0}
@media (max-width:600px){td.thumb{width:90px}td.thumb img{width:84px}
.hide-narrow{display:none}body{padding:6px}}
"""


def esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def href(path: str) -> str:
    """A relative link or image source: path parts percent-encoded, never a scheme."""
    return esc(urllib.parse.quote(path))


def document(title: str, body: Iterable[str]) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{esc(title)}</title><style>{STYLE}</style></head><body>\n"
        + "\n".join(body)
        + "\n</body></html>\n"
    )


def verdict(value: str) -> str:
    kind = value if value in ("pass", "fail", "error") else "error"
    return f'<span class="verdict {kind}">{esc(value)}</span>'


def figure(src: str, caption: str, cls: str = "", alt: str = "") -> str:
    extra = f' class="{cls}"' if cls else ""
    return (
        f'<figure{extra}><img src="{href(src)}" alt="{esc(alt or caption)}" loading="lazy">'
        f"<figcaption>{esc(caption)}</figcaption></figure>"
    )


def definitions(items: Iterable[tuple[str, str]]) -> str:
    """A two-column list; values are already HTML (escape them before)."""
    return "<dl>" + "".join(f"<dt>{esc(k)}</dt><dd>{v}</dd>" for k, v in items) + "</dl>"
