"""From files to stored passages: loaders for txt, md, html and pdf with metadata and
encoding detection, paragraph-aware chunking with exact offsets, junk checks, syndicated-copy and
new-version detection (MinHash candidates, trigram Jaccard, figure comparison), and the
``Ingestor`` that writes each article into the index atomically.

It does not search, rank or answer.
"""
