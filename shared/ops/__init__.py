"""Operator tools: topic creation, dead-letter inspection and replay."""
