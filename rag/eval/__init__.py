"""Measuring the product: question files and the real-news corpus with its checker
(``dataset``), evidence matching (``evidence``), the evaluation and its baselines (``evaluation``),
tables and Markdown reports (``report``), and the package's shape (``architecture``).

Nothing here is used to answer a question.
"""
