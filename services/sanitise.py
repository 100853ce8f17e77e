"""Rich text that is safe to render in a browser: an allow-list HTML sanitiser (nh3/ammonia).

Only formatting survives: paragraphs, headings, lists, emphasis, quotes, simple tables and
links to http(s)/mailto addresses (with `rel="noopener noreferrer"`). Scripts, styles, event
handlers, frames, forms, images, SVG/MathML and every other remote-loading tag are removed,
the content of the dangerous ones included. No relative URLs, no `class`/`style`/`id`.
"""

from __future__ import annotations

import html as html_lib

import nh3

ALLOWED_TAGS: frozenset[str] = frozenset(
    {
        "p", "br", "hr", "h1", "h2", "h3", "h4",
        "strong", "em", "b", "i", "u", "s", "sub", "sup",
        "ul", "ol", "li", "blockquote", "a",
        "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td",
    }
)  # fmt: skip

ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    "a": {"href", "title"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
}

URL_SCHEMES: frozenset[str] = frozenset({"http", "https", "mailto"})

# Removed together with everything inside them (not just unwrapped to their text).
DROPPED_WITH_CONTENT: frozenset[str] = frozenset(
    {
        "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet",
        "noscript", "noembed", "noframes", "template", "svg", "math", "textarea", "select",
        "title", "xmp", "plaintext", "head", "canvas", "audio", "video", "picture",
    }
)  # fmt: skip

_CLEANER = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    clean_content_tags=set(DROPPED_WITH_CONTENT),
    attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
    url_schemes=set(URL_SCHEMES),
    url_relative="deny",
    link_rel="noopener noreferrer",
    strip_comments=True,
)


def sanitise_html(html: str) -> str:
    """The allow-listed subset of `html`; stable when applied again."""
    return _CLEANER.clean(html).strip()


def html_to_text(html: str) -> str:
    """The visible text of sanitised HTML (for length and emptiness checks)."""
    return html_lib.unescape(nh3.clean(html, tags=set())).strip()
