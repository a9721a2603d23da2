FROM python:3.11 AS builder
WORKDIR /code
COPY requirements.txt /code/
RUN pip install --no-cache-dir -r requirements.txt

FROM python:3.11-slim AS runtime
ENV PYTHONUNBUFFERED=1
COPY --from=builder /usr/local/lib/python3.11/site-packages /usr/local/lib/python3.11/site-packages
RUN useradd --create-home appuser
WORKDIR /code
COPY --chown=appuser . /code/
RUN python collect.py && chown -R appuser /code
USER appuser
CMD ["python", "app.py"]
