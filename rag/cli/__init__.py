"""The command line, ``python -m rag ingest|ask|eval|check|dataset|list|remove|timeline|brief|places|serve``:
argument parsing and printing around the public ``Assistant`` API (``main``) and the whole-index
views (``views``). Expected errors become one line and an exit code, never a traceback.
"""
