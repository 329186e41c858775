"""`plaint review`: the screening page (app.py) and the queue it serves (queue.py)."""
