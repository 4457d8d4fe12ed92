"""Views of the whole index, each cited to exact sentences: the timeline of dated events
(with its chart), the situation briefing, and the places named (offline gazetteer). They read the
index only through ``retrieval.view.IndexView``.

They do not answer questions.
"""
