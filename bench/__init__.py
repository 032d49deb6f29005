"""The benchmark: the redemption pipeline on the real stack against a bare baseline, gateway
reads, scale-out and memory (issue 7). ``python -m bench [--quick]``.

Importing this package fixes the run's topic namespace before anything reads it: topic names
are read from the environment once, when ``shared.contracts.topics`` is first imported.
"""

import os
import uuid

os.environ.setdefault("PORTAL_NAMESPACE", f"b{uuid.uuid4().hex[:10]}")
