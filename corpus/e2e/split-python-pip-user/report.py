"""Prints a small table with tabulate, which pip installed as the image's user (not root): it
lives in that user's ~/.local, not in the interpreter's site-packages."""

import getpass
import sys

import tabulate

print(f"report (tabulate {tabulate.__version__}, python {sys.version_info.major}.{sys.version_info.minor})")
print(f"tabulate from {tabulate.__file__}")
print(f"running as {getpass.getuser()}")
print(tabulate.tabulate([["a", 1], ["b", 2]], headers=["item", "count"], tablefmt="github"))
