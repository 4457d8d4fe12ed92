"""Briefing: cited answers about conflict news articles. Public API only."""

from .assistant import Assistant
from .errors import BriefingError, IngestError, InvalidQuestionError, LLMError, StoreError
from .models import Answer, ArticleInfo, Citation, IngestReport
from .settings import Settings

__all__ = ["Answer", "ArticleInfo", "Assistant", "BriefingError", "Citation", "IngestError", "IngestReport",
           "InvalidQuestionError", "LLMError", "Settings", "StoreError"]
