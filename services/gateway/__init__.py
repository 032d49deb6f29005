"""The HTTP edge for the web frontend: publishes commands, awaits their outcome, and reads
from the services' internal endpoints. It owns no business data."""
