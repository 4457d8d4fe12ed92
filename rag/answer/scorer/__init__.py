"""The trained answer scorer: the probability that a candidate sentence answers the question
(``model``), from a fine-tuned MiniLM bi-encoder, the extractive ranker's features and spaCy's
answer typing (``answer_typing``), plus the abstention model over a question's best candidates.
The files it loads live in ``model/`` with their card; ``bench/train_scorer.py`` makes them.

It does not retrieve, compose answers or cite.
"""
