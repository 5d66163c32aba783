"""What people type, cleaned one way everywhere before it is checked, stored and shown.

The rule: text is kept as typed (in Unicode's composed form, NFC) except for characters that make
it display differently from how it is stored, or that nobody types on purpose:

- control characters go, except the line breaks of text that may have several lines (all line
  endings become "\\n"); tabs and the other spacing control characters become spaces;
- format characters go: bidirectional overrides and isolates (which reorder what is shown), the
  zero-width space, word joiner, byte order mark and soft hyphen (which hide inside a word), and
  the rest of their category;
- but the zero-width joiner and non-joiner (U+200D, U+200C) stay between two characters outside
  ASCII. Persian, Hindi and other scripts spell words with them, and emoji such as a family or a
  rainbow flag are sequences joined by them: dropping them would misspell a name. Between ASCII
  letters, next to a space or at either end they change nothing a reader sees, and would only let
  "Alice" and "Al\\u200dice" pass for each other, so there they go;
- and the tag characters (U+E0020 to U+E007F) stay right after a black flag: that is how the
  flags of Wales, Scotland and England are written, and nothing else uses them.

Single-line text has its runs of spaces made one and its ends trimmed; longer text keeps its line
breaks and is trimmed at both ends. Text with nothing visible left in it is empty.
"""

import unicodedata

JOINERS = {"\u200c", "\u200d"}
BLACK_FLAG = "\U0001f3f4"
TAGS = range(0xE0020, 0xE0080)


def clean_text(value: str, *, single_line: bool = True) -> str:
    value = unicodedata.normalize("NFC", value.replace("\r\n", "\n").replace("\r", "\n"))
    text = "".join(
        " " if character != "\n" and unicodedata.category(character) == "Cc" else character
        for index, character in enumerate(value)
        if keeps(value, index)
    )
    if single_line:
        text = " ".join(text.split())
    if not any(unicodedata.category(character)[0] not in "CZ" for character in text):
        return ""  # Only spaces or invisible characters: nothing was written.
    return text.strip()


def keeps(value: str, index: int) -> bool:
    """Whether the character at `index` stays in the text (see the rule above)."""
    character = value[index]
    category = unicodedata.category(character)
    if character == "\n" or character.isspace():
        return True
    if category == "Cc":
        return False
    if category != "Cf":
        return True
    if character in JOINERS:
        before = value[index - 1] if index > 0 else " "
        after = value[index + 1] if index + 1 < len(value) else " "
        return is_joinable(before) and is_joinable(after)
    if ord(character) in TAGS:
        start = index
        while start > 0 and ord(value[start - 1]) in TAGS:
            start -= 1
        return start > 0 and value[start - 1] == BLACK_FLAG
    return False


def is_joinable(character: str) -> bool:
    """A joiner joins visible characters outside ASCII (letters, marks, emoji), or other joiners'."""
    if character.isascii() or character.isspace():
        return False
    return unicodedata.category(character)[0] not in "CZ" or character in JOINERS
