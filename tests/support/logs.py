"""Tests that configure logging put the process's global logging state back after."""

from __future__ import annotations

import contextlib
import logging
import sys
from collections.abc import Iterator

import structlog


@contextlib.contextmanager
def logging_restored() -> Iterator[None]:
    """The root logger's handlers and level, the excepthook, warnings capture and structlog's
    configuration as they were before, whatever the block configured."""
    root = logging.getLogger()
    handlers, level, hook = list(root.handlers), root.level, sys.excepthook
    config = structlog.get_config()
    try:
        yield
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
        sys.excepthook = hook
        logging.captureWarnings(False)
        structlog.configure(**config)
