FROM python:3.11 AS builder
ENV PYTHONUNBUFFERED=1
WORKDIR /code
RUN apt-get update && apt-get install -y --no-install-recommends gcc && rm -rf /var/lib/apt/lists/*
COPY requirements.txt /code/
RUN pip install --no-cache-dir -r requirements.txt
COPY . /code/
RUN python collect.py
RUN useradd --create-home appuser && chown -R appuser /code
USER appuser
CMD ["python", "app.py"]

FROM python:3.11-slim AS runtime
ENV PYTHONUNBUFFERED=1
WORKDIR /code
COPY --from=builder /code /code
COPY --from=builder /usr/local/lib/python3.11/site-packages /usr/local/lib/python3.11/site-packages
COPY --from=builder /usr/local/bin /usr/local/bin
RUN python collect.py
RUN useradd --create-home appuser && chown -R appuser /code
USER appuser
CMD ["python", "app.py"]
