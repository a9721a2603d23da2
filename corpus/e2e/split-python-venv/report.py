"""Prints a table of the last runs (tabulate, from the virtualenv) and records this run in
state/runs.json, in the application's own directory: the user it runs as must own it."""

import getpass
import json
import os
import sys
from pathlib import Path

from tabulate import __version__ as tabulate_version
from tabulate import tabulate

HERE = Path(__file__).resolve().parent
STATE = HERE / "state" / "runs.json"


def main() -> None:
    print(f"report (tabulate {tabulate_version}, python {sys.version_info.major}.{sys.version_info.minor})")
    print(f"virtualenv: {sys.prefix}" + (" (active)" if sys.prefix != sys.base_prefix else " (NOT a virtualenv)"))
    owner = HERE.owner()
    print(f"running as {getpass.getuser()} (uid {os.getuid()}); {HERE} belongs to {owner}")
    STATE.parent.mkdir(exist_ok=True)
    runs = json.loads(STATE.read_text()) if STATE.exists() else []
    runs.append({"run": len(runs) + 1, "user": getpass.getuser(), "items": sum(1 for _ in (HERE / "data").iterdir())})
    STATE.write_text(json.dumps(runs, indent=1) + "\n")
    print(tabulate(runs, headers="keys", tablefmt="github"))
    print(f"recorded in {STATE.relative_to(HERE)} ({STATE.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
