FROM python:3.11 AS builder
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

FROM python:3.11-slim AS runtime
ENV PYTHONUNBUFFERED=1
COPY --from=builder /opt/venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
RUN useradd --create-home --uid 1001 --shell /bin/bash reporter \
 && install -d -o reporter -g reporter /app
WORKDIR /app
COPY --chown=reporter:reporter . .
USER reporter
CMD ["python", "report.py"]
