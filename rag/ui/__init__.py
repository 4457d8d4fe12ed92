"""The Gradio app around the public ``Assistant`` API: the ``BriefingUI`` handlers (``app``),
the page layout and server (``layout``), the insight tabs (``tabs``), HTML rendering that escapes
everything (``render``, ``render_insights``), input parsing and uploads.

It holds no retrieval or answering code.
"""
