"""Fault injection on the real stack (issue 8): ``python -m chaos`` (``make chaos``).

Importing this package fixes the run's topic namespace before anything reads it: topic names
are read from the environment once, when ``shared.contracts.topics`` is first imported.
"""

from tools.stack import claim_namespace

claim_namespace("c")
