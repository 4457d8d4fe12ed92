"""Citations: numbered markers, the ``Citation`` built from an exact passage span, and the
verifier that checks every cited sentence against its source (support, figures, names) and drops
or flags what the source does not hold.

It does not retrieve or choose what to answer.
"""
