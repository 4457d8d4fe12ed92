"""The package's exception hierarchy. Messages say what went wrong and what to do;
turning them into user-facing text (no tracebacks) happens at the edges (CLI, UI)."""


class BriefingError(Exception):
    """Base class for every error Briefing raises on purpose."""


class SettingsError(BriefingError, ValueError):
    """A setting (``RAG_*`` variable, ``.env`` line or ``Settings(...)`` argument) has a bad value."""


class InvalidQuestionError(BriefingError, ValueError):
    """The question is empty, too long or otherwise unusable."""


class IngestError(BriefingError):
    """An article could not be read, parsed or indexed."""


class UnsupportedFileError(IngestError):
    """The file type is not one Briefing reads."""


class FileTooLargeError(IngestError):
    """The file is over the configured size limit."""


class StoreError(BriefingError):
    """The vector store could not be opened or reached."""


class LLMError(BriefingError):
    """The configured LLM server failed (down, timeout, HTTP error, malformed reply)."""


class PromptError(BriefingError):
    """A prompt file is missing or lacks a variable it must have."""
