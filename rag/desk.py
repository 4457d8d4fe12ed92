"""Named collections of articles: one crisis's articles answer only that crisis's questions.

A collection is a pair of Chroma collections (``<name>_chunks``, ``<name>_articles``) in the one
store; ``Desk`` keeps one ``Assistant`` per collection, all sharing one loaded embedding model, and
lists, creates and deletes collections. ``Settings.collection`` (``RAG_COLLECTION``, the CLI's
``--collection``) is the home collection: the one there was before collections, and the only one
that gets ``corpus_dir`` on first run. Nothing is opened until a collection is used.
"""

from __future__ import annotations

import re
import threading
from typing import TYPE_CHECKING

from rag.assistant import Assistant
from rag.errors import BriefingError
from rag.settings import COLLECTION_RULE, Settings, check_collection

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings

# failure class: a typed name ("Sudan – El Fasher 2024") that Chroma refuses; runs of other characters -> "-"
_NOT_NAME = re.compile(r"[^a-z0-9._]+")


class CollectionError(BriefingError, ValueError):
    """A collection name that cannot be used, or a collection that does not exist."""


def collection_slug(text: str) -> str:
    """The collection name for what a user typed.

    >>> collection_slug("  Sudan – El Fasher 2024 "), collection_slug("mali")
    ('sudan-el-fasher-2024', 'mali')
    """
    slug = _NOT_NAME.sub("-", (text or "").strip().lower()).strip("-._")[:60].strip("-._")
    try:
        return check_collection(slug)
    except ValueError:
        raise CollectionError(f"“{(text or '').strip()[:80]}” cannot name a collection: use {COLLECTION_RULE}") \
            from None


class Desk:
    """The collections of one store, each with its Assistant (made on first use, then kept)."""

    def __init__(self, settings: Settings | None = None, *, embeddings: Embeddings | None = None,
                 home: Assistant | None = None):
        """``home``: an Assistant already made for ``settings.collection`` (the web app's tests)."""
        self.settings = home.settings if home is not None else settings or Settings()
        self._embeddings = embeddings
        self._assistants: dict[str, Assistant] = {}
        if home is not None:
            self._assistants[self.settings.collection] = home
        self._lock = threading.Lock()

    @property
    def home(self) -> str:
        return self.settings.collection

    def _shared(self) -> Embeddings:
        """One embedding model for every collection (taken from the home Assistant when it has one)."""
        if self._embeddings is None:
            home = self._assistants.get(self.home)
            if home is not None:
                self._embeddings = home.warm_up().embeddings
            else:
                from rag.index.embeddings import from_settings

                self._embeddings = from_settings(self.settings)
        return self._embeddings

    def assistant(self, name: str | None = None, *, create: bool = False) -> Assistant:
        """The Assistant of collection ``name`` (default: the home one). A name that is not in the
        store is refused unless ``create`` (or it is the home collection)."""
        name = name or self.home
        try:
            check_collection(name)
        except ValueError as exc:
            raise CollectionError(str(exc)) from None
        with self._lock:
            if name in self._assistants:
                return self._assistants[name]
            if not create and name != self.home and name not in self.names():
                raise CollectionError(f"there is no collection “{name}”; create it first "
                                      f"(known: {', '.join(self.names())})")
            settings = self.settings.model_copy(update={"collection": name})
            assistant = Assistant(settings, embeddings=self._shared())
            assistant.warm_up()  # creates the collection's two Chroma collections
            self._assistants[name] = assistant
            return assistant

    def create(self, text: str) -> str:
        """Create the collection a user typed (``collection_slug``); returns its name. Creating one
        that exists is refused, so two analysts do not end up sharing one by accident."""
        name = collection_slug(text)
        if name in self.names():
            raise CollectionError(f"a collection “{name}” already exists; choose it in the list")
        self.assistant(name, create=True)
        return name

    def names(self) -> list[str]:
        """Every collection: the home one first, then the others in the store, sorted."""
        from rag.index.store import collection_names

        stored = set(collection_names(self.settings)) | set(self._assistants)
        return [self.home, *sorted(stored - {self.home})]

    def delete(self, name: str) -> None:
        """Drop a collection and everything indexed in it (not the home one)."""
        if name == self.home:
            raise CollectionError(f"the home collection “{name}” cannot be deleted; remove its articles instead")
        assistant = self.assistant(name)
        with self._lock:
            store = assistant.store
            for suffix in ("_chunks", "_articles"):
                store.client.delete_collection(f"{name}{suffix}")
            self._assistants.pop(name, None)
