# One image for every service: `python -m services.$PORTAL_SERVICE`.
FROM python:3.11-slim
WORKDIR /app
RUN pip install --no-cache-dir uv==0.13.9
COPY pyproject.toml uv.lock ./
# Bytecode compiled at build time: a (re)started container does not spend its start compiling.
RUN UV_PROJECT_ENVIRONMENT=/app/.venv uv sync --frozen --no-dev --no-install-project --compile-bytecode
COPY shared ./shared
COPY services ./services
COPY tools ./tools
RUN python -m compileall -q shared services tools
# The Kafka contract the gateway serves at /asyncapi.yaml (its rendered page needs `make`).
COPY docs/asyncapi.yaml ./docs/asyncapi.yaml
ENV PATH=/app/.venv/bin:$PATH PYTHONUNBUFFERED=1 PORTAL_HTTP_HOST=0.0.0.0
USER nobody
CMD ["sh", "-c", "exec python -m services.${PORTAL_SERVICE}"]
