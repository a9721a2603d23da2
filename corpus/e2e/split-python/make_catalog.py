"""Builds catalog.json from a CSV file (run at build time: the app reads the result)."""

import csv
import json
import sys


def main(path: str) -> None:
    with open(path, newline="", encoding="utf-8") as handle:
        items = [{"name": row["name"], "stock": int(row["stock"]), "price": float(row["price"])} for row in csv.DictReader(handle)]
    json.dump({"items": items}, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv[1])
