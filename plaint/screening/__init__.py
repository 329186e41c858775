"""The screening model: what ranks the posts the lexicons' first pass lets through (model.py),
the features it reads (features.py), and how it is trained from labelled posts (training.py)."""
