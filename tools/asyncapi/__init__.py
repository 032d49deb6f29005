"""The system's one AsyncAPI 3 document (``docs/asyncapi.yaml``), built from the services'
declarations and the contracts. ``python -m tools.asyncapi`` writes it; ``--check`` fails
when the committed file is stale. The npm package beside this file validates it."""
