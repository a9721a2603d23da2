"""Prints a small table with tabulate. The Dockerfile sets no WORKDIR: the sources are copied
into / and the program runs there."""

import os
import sys

import tabulate

print(f"report (tabulate {tabulate.__version__}, python {sys.version_info.major}.{sys.version_info.minor})")
print(f"running in {os.getcwd()}, start.sh executable: {os.access('/start.sh', os.X_OK)}")
print(tabulate.tabulate([["a", 1], ["b", 2]], headers=["item", "count"], tablefmt="github"))
