"""The benchmark: the redemption pipeline on the real stack against a bare baseline, gateway
reads, scale-out and memory (issue 7). ``python -m bench [--quick]``.

Importing this package fixes the run's topic namespace before anything reads it: topic names
are read from the environment once, when ``shared.contracts.topics`` is first imported.
"""

from tools.stack import claim_namespace

claim_namespace("b")
