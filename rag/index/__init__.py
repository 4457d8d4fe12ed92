"""The stored passages and their vectors: the sentence-transformers encoder, the Chroma
store (embedded or server) with its manifest of complete articles, and the ``Filters`` a search may
apply.

It does not decide which passages answer a question (``retrieval``) or what goes in (``ingest``).
"""
