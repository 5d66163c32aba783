"""Markdown written by moderators (update emails), as safe HTML and as the plain text beside it.

The plain text is made from the sanitised HTML, not from the Markdown: it says exactly what the
HTML part shows, with no Markdown syntax left and nothing of what the sanitiser removed.
"""

import re
from html.parser import HTMLParser

import markdown
import nh3

ALLOWED_TAGS = {
    "p",
    "br",
    "a",
    "strong",
    "em",
    "ul",
    "ol",
    "li",
    "h2",
    "h3",
    "blockquote",
    "code",
    "pre",
    "hr",
}
BLOCKS = {"p", "ul", "ol", "h2", "h3", "blockquote", "pre", "hr"}


def to_html(body: str) -> str:
    """Markdown to HTML, then sanitised: only harmless tags, only http(s) and mailto links."""
    html = markdown.markdown(body, output_format="html")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )


class PlainText(HTMLParser):
    """The text of sanitised HTML, laid out as a plain-text email: paragraphs apart, list items
    on their own lines, links followed by their address, quotes marked with "> "."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[str, bool]] = []  # (text, whether it is a list item)
        self.current: list[str] = []
        self.lists: list[list] = []  # Per open list: [ordered, items so far].
        self.quotes = 0
        self.preformatted = False
        self.link: str | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in BLOCKS or tag == "li":
            self.end_block()
        if tag in ("ul", "ol"):
            self.lists.append([tag == "ol", 0])
        elif tag == "li" and self.lists:
            self.lists[-1][1] += 1
            ordered, number = self.lists[-1]
            indent = "   " * (len(self.lists) - 1)
            self.current.append(f"{indent}{number}. " if ordered else f"{indent}- ")
        elif tag == "blockquote":
            self.quotes += 1
        elif tag == "pre":
            self.preformatted = True
        elif tag == "hr":
            self.blocks.append(("* * *", False))
        elif tag == "br":
            self.current.append("\n")
        elif tag == "a":
            self.link = dict(attrs).get("href")

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            self.close_link()
        if tag in BLOCKS or tag == "li":
            self.end_block()
        if tag in ("ul", "ol") and self.lists:
            self.lists.pop()
        elif tag == "blockquote":
            self.quotes = max(self.quotes - 1, 0)
        elif tag == "pre":
            self.preformatted = False

    def handle_data(self, data: str) -> None:
        self.current.append(data if self.preformatted else re.sub(r"\s+", " ", data))

    def close_link(self) -> None:
        text = "".join(self.current).strip()
        if self.link and not text.endswith(self.link):
            self.current.append(f" ({self.link})" if text else self.link)
        self.link = None

    def end_block(self) -> None:
        text = "".join(self.current)
        is_item = bool(self.current) and bool(re.match(r"\s*(- |\d+\. )", self.current[0]))
        self.current = []
        lines = [line if self.preformatted else line.strip() for line in text.strip("\n").split("\n")]
        if not any(lines):
            return
        prefix = "> " * self.quotes
        self.blocks.append(("\n".join(f"{prefix}{line}".rstrip() for line in lines), is_item))

    def text(self) -> str:
        """Paragraphs a blank line apart; the items of a list on consecutive lines."""
        self.end_block()
        joined, previous_was_item = "", False
        for block, is_item in self.blocks:
            if joined:
                joined += "\n" if is_item and previous_was_item else "\n\n"
            joined += block
            previous_was_item = is_item
        return joined + "\n"


def to_text(html: str) -> str:
    """Sanitised HTML (from `to_html`) as plain text."""
    parser = PlainText()
    parser.feed(html)
    parser.close()
    return parser.text()
