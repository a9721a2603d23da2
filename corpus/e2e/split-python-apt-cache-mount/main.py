"""Reports on a small JSON document with jq, a program installed with apt under a cache mount
(apt told to keep its downloads there), run with subprocess at run time."""

import json
import shutil
import subprocess

import humanize

DOCUMENT = {"reports": [{"name": "daily", "bytes": 1536}, {"name": "weekly", "bytes": 10485760}]}


def main() -> None:
    print(f"jq: {'found' if shutil.which('jq') else 'MISSING'}")
    names = subprocess.run(["jq", "-r", "[.reports[].name] | join(\",\")"], input=json.dumps(DOCUMENT), capture_output=True, text=True, check=True).stdout.strip()
    print(f"reports: {names}")
    total = sum(r["bytes"] for r in DOCUMENT["reports"])
    print(f"total: {humanize.naturalsize(total, binary=True)}")


if __name__ == "__main__":
    main()
