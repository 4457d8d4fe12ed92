"""Language tools with no knowledge of the index: tokens, the Snowball stemmer and sentence
spans (``text``), the synonym groups and the word key that folds them (``lexicon``), numbers and
the figures they count (``numbers``), the one date finder (``dates``), people's names (``names``),
sentences with offsets (``sentences``) and word-trigram similarity (``similarity``).

It does not read files, embed, search or answer.
"""
