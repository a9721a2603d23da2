FROM python:3.12 AS build
ENV POETRY_VERSION=1.8.3
RUN pip install poetry==$POETRY_VERSION
WORKDIR /src
COPY pyproject.toml poetry.lock ./
RUN poetry export -f requirements.txt -o requirements.txt
RUN pip wheel --wheel-dir /wheels -r requirements.txt

FROM python:3.12-slim AS runtime
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/*
CMD ["python", "-m", "service"]
