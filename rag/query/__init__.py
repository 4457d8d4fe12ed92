"""What the question asks, worked out once before retrieval: its type, focus and terms
(``question``), its time frame (``timeframe``), a follow-up made self-contained (``condense``) and
the limits a question and a history must keep (``validate``).

It does not search or answer.
"""
