"""The answerers: ``extractive`` (sentences of the retrieved passages, ranked by a logistic
model, with shown arithmetic for derived figures), ``generative`` (an LLM over numbered sources,
verified sentence by sentence) and ``chronicle`` (dated questions answered as a cited list).

They do not retrieve for themselves except through what they are handed, and do not render.
"""
