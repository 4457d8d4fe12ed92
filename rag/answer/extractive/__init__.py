"""The extractive answerer: candidate sentences from the retrieved passages, their
features and the trained logistic ranker (``ranker``), answer-type checks (``answer_types``),
derived figures with the arithmetic shown (``derive``), and the gates that abstain.

These internals move here as they were; the learned answerer replaces their rules.
"""
