"""Bytes of a text file -> str, plus a note when the encoding had to be guessed.

The order: UTF-16 with a byte-order mark; UTF-8 with or without one; Windows-1252 (which reads
Latin-1 too) when the result looks like Western European text; else charset-normalizer's best
guess. A guess comes back with a note for the ingest report ("fr.txt: not UTF-8; read as
Windows-1252"); UTF-8 and UTF-16 with a BOM are certain and carry none.

It cannot tell Windows-1252 from its near relatives by characters alone: Central European
(Windows-1250) or Turkish (Windows-1254) text that uses only letters Windows-1252 also has is read
as Windows-1252, and the note says so; re-save such files as UTF-8. Binary files are recognised
only by NUL bytes near the start.
"""

from __future__ import annotations

import logging

from rag.errors import IngestError

log = logging.getLogger(__name__)

# non-letters that Western text uses; anything else above ASCII (C1 controls, ¤, ¦, ¨, ¬, ´, ¸, ...)
# is a sign of another code page
_WESTERN_SIGNS = frozenset("\u00a0‘’‚“”„–—…•·‹›«»€£¥¢©®™°±×÷§¶¿¡ºª¹²³¼½¾†‡‰")
_INNER_OK = frozenset("‘’·-")  # signs that may stand between two letters ("don’t")


def looks_western(text: str) -> bool:
    """True when every character above ASCII is a Latin letter or a Western sign, accented letters
    are sparse and never in long runs, and no superscript or symbol sits inside a word.

    >>> looks_western("Une crème à la vanille")
    True
    >>> looks_western("Ïðèâåò, ìèð")  # Russian (Windows-1251) read as Windows-1252
    False
    >>> looks_western("by³o")  # Polish "było" (Windows-1250) read as Windows-1252
    False
    """
    letters = accented = run = 0
    for i, ch in enumerate(text):
        if ch < "\x80":
            run = 0
            letters += ch.isalpha()
        elif ch.isalpha():  # Windows-1252 has only Latin letters above ASCII
            letters += 1
            accented += 1
            run += 1
            if run > 3:
                return False
        elif ch in _WESTERN_SIGNS:
            run = 0
            inside = 0 < i < len(text) - 1 and text[i - 1].isalpha() and text[i + 1].isalpha()
            if inside and ch not in _INNER_OK:
                return False
        else:
            return False
    return accented <= 0.25 * max(letters, 1)


def decode(raw: bytes, name: str) -> tuple[str, str | None]:
    """The text of ``raw`` and a note when its encoding was guessed; IngestError when it is not text.

    >>> decode("crème".encode("latin-1"), "a.txt")
    ('crème', 'a.txt: not UTF-8; read as Windows-1252')
    """
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16"), None
        except UnicodeDecodeError as exc:
            raise IngestError(f"{name}: damaged UTF-16 text; re-save it as UTF-8") from exc
    if b"\x00" in raw[:8192]:
        raise IngestError(f"{name}: looks like a binary file, not text; save it as .txt, .md, .html or .pdf")
    try:
        return raw.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        pass
    try:
        text = raw.decode("cp1252")
    except UnicodeDecodeError:  # 0x81, 0x8d, 0x8f, 0x90, 0x9d: not Windows-1252
        text = None
    if text is not None and looks_western(text):
        log.info("decoded %s as Windows-1252", name)
        return text, f"{name}: not UTF-8; read as Windows-1252"
    from charset_normalizer import from_bytes

    best = from_bytes(raw).best()
    if best is None:
        raise IngestError(f"{name}: cannot tell the text encoding; re-save it as UTF-8")
    log.info("decoded %s as %s", name, best.encoding)
    return str(best), f"{name}: not UTF-8; read as {best.encoding}"
