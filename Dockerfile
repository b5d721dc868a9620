# The API image: CPU-only torch first (anything else would pull a multi-GB CUDA build), then the project.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1 \
    ANONYMIZED_TELEMETRY=False \
    RAGAS_DO_NOT_TRACK=true \
    MI_DATA_DIR=/data \
    MI_MODEL_CACHE_DIR=/opt/mi-models \
    MI_HOST=0.0.0.0 \
    MI_PORT=8000 \
    MI_REQUIRE_API_KEYS=true

WORKDIR /app
# bubblewrap: the code sandbox of the coding rounds (it needs user namespaces in the container).
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends bubblewrap && rm -rf /var/lib/apt/lists/*
RUN pip install torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu
COPY pyproject.toml README.md ./
COPY interviewer ./interviewer
COPY ingest ./ingest
COPY evals ./evals
COPY api ./api
COPY sandbox ./sandbox
COPY corpus ./corpus
RUN pip install . && useradd --create-home --uid 10001 app && mkdir -p /data && chown app /data
# The embedding model's ONNX graph, exported once into the image (torch is not imported at run time).
RUN python -m ingest.onnx_embedder && chmod -R a+rX /opt/mi-models
USER app
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=5s --start-period=120s --retries=5 \
    CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz').status != 200)"
# Ingest is incremental (cheap when the corpus is unchanged); keys are required off loopback.
CMD ["sh", "-c", "mock-interviewer ingest && exec mock-interviewer serve --host 0.0.0.0 --port 8000 --workers 2"]
