"""Summarises the XML feeds: lxml parses them, and the feeds' own checks run xmlstarlet (a
program the image installs with apt, called with subprocess at run time)."""

import os
import shutil
import subprocess
from pathlib import Path

from lxml import etree

FEEDS = Path(os.environ.get("FEEDS_DIR", "feeds"))


def xmlstarlet(*args: str) -> str:
    return subprocess.run(["xmlstarlet", *args], capture_output=True, text=True, check=True).stdout.strip()


def main() -> None:
    print(f"feeds {os.environ.get('FEEDS_VERSION', '?')} (lxml {etree.__version__}, libxml2 {'.'.join(map(str, etree.LIBXML_VERSION[:2]))})")
    print(f"xmlstarlet: {'found' if shutil.which('xmlstarlet') else 'MISSING'}")
    for path in sorted(FEEDS.glob("*.xml")):
        root = etree.parse(str(path)).getroot()
        valid = xmlstarlet("val", "--well-formed", "--quiet", str(path)) == "" and "well-formed"
        print(f"{path.name}: <{root.tag}> with {len(root)} entries, {valid}")
    latest = xmlstarlet("sel", "-t", "-v", "(/releases/release[@kind='major'])[last()]/@version", str(FEEDS / "releases.xml"))
    regions = xmlstarlet("sel", "-t", "-m", "/mirrors/mirror", "-v", "@region", "-o", " ", str(FEEDS / "mirrors.xml"))
    print(f"latest major release: {latest}; mirrors: {regions}")


if __name__ == "__main__":
    main()
