"""Test helpers shared by the integration, end-to-end and browser levels."""
