"""HTML e-mail bodies turned into plain text (never rendered, nothing fetched).

Scripts, styles and the head are dropped; block elements become line breaks, list items
"• ", table cells are separated by tabs, a link whose address differs from its text is
written "text (address)". Remote images and stylesheets are counted (they are what a mail
reader would fetch and what trackers use), never loaded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

_DROP = {"script", "style", "head", "title", "template", "noscript", "svg", "object", "iframe"}
_BLOCK = {
    "p", "div", "section", "article", "header", "footer", "main", "nav", "aside", "h1", "h2", "h3",
    "h4", "h5", "h6", "ul", "ol", "dl", "dt", "dd", "table", "tr", "blockquote", "pre", "hr",
    "form", "fieldset", "address", "center", "figure", "figcaption", "thead", "tbody", "tfoot",
    "caption", "body", "html",
}  # fmt: skip
_VOID = {"br", "img", "hr", "meta", "link", "input", "area", "base", "col", "embed", "source", "wbr"}
_PARAGRAPHS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "table", "blockquote", "ul", "ol", "pre", "hr"}
_LINE = "\x00"  # a line break, and a paragraph break, resolved when the text is put together
_PARA = "\x01"
_BREAKS = re.compile(r"[ \t]*[\x00\x01][\x00\x01\s]*")
_REMOTE = re.compile(r"^\s*(https?:)?//", re.IGNORECASE)


@dataclass(frozen=True)
class HtmlText:
    text: str
    #: Remote images and stylesheets the HTML asks for (left out, never fetched).
    remote_content: int


class _Converter(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.drop_depth = 0
        self.remote = 0
        self.links: list[tuple[str, int]] = []  # (href, index in out where its text starts)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k.lower(): (v or "") for k, v in attrs}
        if tag == "img" and _REMOTE.match(a.get("src", "")):
            self.remote += 1
        if tag == "link" and "stylesheet" in a.get("rel", "").lower() and _REMOTE.match(a.get("href", "")):
            self.remote += 1
        if tag in _DROP and tag not in _VOID:
            self.drop_depth += 1
            return
        if self.drop_depth:
            return
        if tag == "br":
            self.out.append(_LINE)
        elif tag == "li":
            self.out.append(_LINE + "• ")
        elif tag in ("td", "th"):
            self.out.append("\t")
        elif tag in _BLOCK:
            self.out.append(_PARA if tag in _PARAGRAPHS else _LINE)
        elif tag == "a":
            self.links.append((a.get("href", ""), len(self.out)))
        elif tag == "img" and a.get("alt"):
            self.out.append(f" {a['alt']} ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in _DROP and tag not in _VOID:
            self.drop_depth = max(0, self.drop_depth - 1)
            return
        if self.drop_depth:
            return
        if tag in _BLOCK or tag == "li":
            self.out.append(_PARA if tag in _PARAGRAPHS else _LINE)
        elif tag == "a" and self.links:
            href, start = self.links.pop()
            label = " ".join("".join(self.out[start:]).split())
            target = href.strip()
            if target.lower().startswith("mailto:"):
                target = target[7:]
            if (
                target
                and not target.startswith("#")
                and target != label
                and not target.lower().startswith("javascript:")
            ):
                self.out.append(f" ({target})")

    def handle_data(self, data: str) -> None:
        if not self.drop_depth:
            self.out.append(re.sub(r"[\r\n]+", " ", data))


def html_to_text(html: str) -> HtmlText:
    """The plain text of `html` and the number of remote images/stylesheets it asks for."""
    parser = _Converter()
    try:
        parser.feed(html)
        parser.close()
    except (AssertionError, ValueError):  # html.parser on very broken markup
        pass
    raw = "".join(parser.out).replace("\xa0", " ")
    raw = _BREAKS.sub(lambda m: "\n\n" if _PARA in m.group() else "\n", raw)
    lines = []
    for line in raw.split("\n"):
        cells = [" ".join(cell.split()) for cell in line.split("\t")]
        text = "\t".join(c for c in cells if c)
        lines.append(text)
    text = "\n".join(lines)
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    return HtmlText(text=text, remote_content=parser.remote)
