FROM python:3.11 AS builder
RUN useradd --create-home --uid 1001 reporter
USER reporter
WORKDIR /srv/report
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

FROM python:3.11-slim AS runtime
ENV PYTHONUNBUFFERED=1
RUN useradd --create-home --uid 1001 reporter
COPY --from=builder /home/reporter/.local /home/reporter/.local
USER reporter
WORKDIR /srv/report
COPY . .
CMD ["python", "report.py"]
