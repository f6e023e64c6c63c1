"""The HTTP API (Starlette): /api/v1 for admins and the CLI, plus /healthz, /metrics and /openapi.json."""
