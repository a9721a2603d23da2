FROM python:3.11 AS builder
ENV PYTHONUNBUFFERED=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
RUN useradd --create-home --uid 1001 --shell /bin/bash reporter
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
RUN chown -R reporter:reporter /app
USER reporter
CMD ["python", "report.py"]

FROM python:3.11-slim AS runtime
ENV PYTHONUNBUFFERED=1
ENV PATH=/opt/venv/bin:$PATH
RUN useradd --create-home --uid 1001 --shell /bin/bash reporter
WORKDIR /app
RUN mkdir -p /app \
    && chown reporter:reporter /app
COPY --from=builder --chown=reporter:reporter /app /app
COPY --from=builder /opt/venv /opt/venv
USER reporter
CMD ["python", "report.py"]
