"""Python: pip, poetry, pipenv, uv."""

from . import Ecosystem, patterns

ECOSYSTEM: Ecosystem = Ecosystem(
    name="python",
    label="python",
    images=("python", "pypy"),
    manifests=("requirements.txt", "requirements-dev.txt", "pyproject.toml", "poetry.lock", "uv.lock", "Pipfile", "Pipfile.lock", "setup.py", "setup.cfg"),
    install=patterns("pip install", "poetry install", "pipenv install", "uv sync", "uv pip install"),
    build=patterns("pip wheel", "python setup.py", "poetry build", "uv build", "pyinstaller *"),
    test=patterns("pytest *", "tox *", "nox *", "python setup.py test"),
)
