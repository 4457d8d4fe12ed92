"""An article's title, date, source and url from its own text: YAML front matter, and the head
lines of wire copy (title line, date line) where a Markdown heading loses its marks.

Front matter is parsed with PyYAML's BaseLoader: every value is a string, list or mapping, no tag
is resolved and none is ever executed (``!!python/object/apply:...`` is just a list). A title,
source or url that is a list or mapping is refused with a message, not joined: "[a, b]" is more
often a YAML mistake than a title. It does not read files, decode bytes or clean the body.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from rag.errors import IngestError
from rag.nlp.text import normalise

_ATX = re.compile(r"^ {0,3}#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r"^([^\n]+)\n {0,3}(?:=+|-+)[ \t]*$")


def parse_date(value: object) -> date | None:
    """A date from front matter or a date line; None when it is not a plausible date.

    >>> parse_date("Thursday November 09 2023")
    datetime.date(2023, 11, 9)
    >>> parse_date("soon") is None
    True
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str | int) or not str(value).strip() or len(str(value)) > 60:
        return None
    import dateparser  # heavy import: only when a date needs parsing

    parsed = dateparser.parse(
        str(value), languages=["en", "fr"],
        settings={"STRICT_PARSING": True, "REQUIRE_PARTS": ["day", "month", "year"]},
    )
    if parsed is None or not (1900 <= parsed.year <= 2100):
        return None
    return parsed.date()


def strip_heading(block: str) -> str:
    """A Markdown heading's text without its marks; anything else unchanged.

    >>> strip_heading("## Convoy reaches Dorvan ##"), strip_heading("Convoy reaches Dorvan\\n=====")
    ('Convoy reaches Dorvan', 'Convoy reaches Dorvan')
    >>> strip_heading("#MeToo rally draws thousands")  # no space after '#': not a heading
    '#MeToo rally draws thousands'
    """
    m = _ATX.match(block) or _SETEXT.match(block)
    return m.group(1).strip() if m else block


def meta_text(meta: dict, *keys: str) -> str | None:
    """The first of ``keys`` the front matter sets, as text; a list or mapping there is refused."""
    for key in keys:
        value = meta.get(key)
        if isinstance(value, list | dict):
            kind = "list" if isinstance(value, list) else "mapping"
            raise IngestError(f"front matter '{key}' must be text, not a {kind}; "
                              f'write it as one quoted line, e.g. {key}: "..."')
        if value:
            return str(value)
    return None


def split_front_matter(text: str) -> tuple[dict, str]:
    if not text.startswith("---"):
        return {}, text
    import frontmatter
    import yaml

    class _Strings(frontmatter.YAMLHandler):  # every value a string: "9999-99-99" must not crash the YAML loader
        def load(self, fm: str) -> dict[str, Any]:  # type: ignore[override]
            loaded = yaml.load(fm, Loader=yaml.BaseLoader)  # noqa: S506 (BaseLoader builds no objects)
            return loaded if isinstance(loaded, dict) else {}

    try:
        post = frontmatter.loads(text, handler=_Strings())
    except yaml.YAMLError as exc:
        first = str(exc).splitlines()[0] if str(exc) else "parse error"
        raise IngestError(f"front matter is not valid YAML ({first}); fix the lines between the --- markers") from exc
    meta = post.metadata if isinstance(post.metadata, dict) else {}
    return dict(meta), post.content


def head_metadata(body: str) -> tuple[str | None, date | None, str]:
    """Title and date from the first lines of wire copy: 'Title\\n\\nThursday November 09 2023\\n\\n...'."""
    blocks = [b for b in re.split(r"\n\s*\n", normalise(body).strip()) if b.strip()]
    title = published = None
    head = strip_heading(blocks[0].strip()) if blocks else ""
    if len(blocks) >= 2 and len(head) <= 200 and "\n" not in head:
        published = parse_date(blocks[1].strip()) if len(blocks[1]) <= 60 else None
        if published is not None:
            title, blocks = head, blocks[2:]
        elif head != blocks[0].strip() or not re.search(r"[.!?]$", head):  # a heading, or no sentence
            title, blocks = head, blocks[1:]
    return title, published, "\n\n".join(blocks)
