"""Which passages may hold the answer: dense and BM25 search fused by reciprocal rank,
syndicated copies collapsed, per-article spread, and ``IndexView``, the small protocol that the
dated answers and the insights read the index through.

It does not pick sentences or write answers.
"""
