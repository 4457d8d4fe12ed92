"""The command line: ``python -m rag ingest|ask|eval|check|dataset|list|remove|timeline|brief|places|serve``."""
