"""Briefing: cited answers about conflict news articles. Public API only."""

from rag.assistant import Assistant
from rag.desk import CollectionError, Desk
from rag.errors import BriefingError, IngestError, InvalidQuestionError, LLMError, StoreError
from rag.models import Answer, ArticleInfo, Citation, IngestReport
from rag.settings import Settings

__all__ = ["Answer", "ArticleInfo", "Assistant", "BriefingError", "Citation", "CollectionError", "Desk", "IngestError",
           "IngestReport", "InvalidQuestionError", "LLMError", "Settings", "StoreError"]
