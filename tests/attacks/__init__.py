"""The adversarial corpus of the hardened grader (see ``catalog.py``)."""
