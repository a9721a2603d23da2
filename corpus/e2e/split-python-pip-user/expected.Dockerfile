FROM python:3.11 AS builder
ENV PYTHONUNBUFFERED=1
RUN useradd --create-home --uid 1001 reporter
USER reporter
WORKDIR /srv/report
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
CMD ["python", "report.py"]

FROM python:3.11-slim AS runtime
ENV PYTHONUNBUFFERED=1
RUN useradd --create-home --uid 1001 reporter
USER reporter
WORKDIR /srv/report
COPY --from=builder /srv/report /srv/report
COPY --from=builder /usr/local/lib/python3.11/site-packages /usr/local/lib/python3.11/site-packages
COPY --from=builder /usr/local/bin /usr/local/bin
COPY --from=builder /home/reporter/.local /home/reporter/.local
CMD ["python", "report.py"]
