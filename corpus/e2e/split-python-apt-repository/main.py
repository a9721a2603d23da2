"""Reports the archive tool it relies on: unrar, a program from Debian's non-free component,
which the Dockerfile enables before installing it, run with subprocess at run time."""

import shutil
import subprocess

import humanize


def main() -> None:
    path = shutil.which("unrar")
    print(f"unrar: {'found' if path else 'MISSING'}")
    if path:
        banner = subprocess.run(["unrar"], capture_output=True, text=True).stdout
        first = next((line for line in banner.splitlines() if line.strip()), "")
        print(f"unrar says: {' '.join(first.split()[:3])}")
    print(f"largest archive allowed: {humanize.naturalsize(2 * 1024 ** 3, binary=True)}")


if __name__ == "__main__":
    main()
