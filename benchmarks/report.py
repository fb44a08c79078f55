"""docs/performance.md: each benchmark script rewrites its own section and leaves the others."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PERFORMANCE = ROOT / "docs" / "performance.md"
TITLE = "# Performance\n\nWritten by the scripts in benchmarks/, each in its own section.\n"


def write_section(name, text):
    begin, end = f"<!-- {name}: written by benchmarks/{name}.py -->", f"<!-- end of {name} -->"
    block = f"{begin}\n{text.strip()}\n{end}"
    current = PERFORMANCE.read_text() if PERFORMANCE.exists() else TITLE
    if not current.startswith(TITLE):
        current = TITLE  # the file from before it had sections
    pattern = re.compile(re.escape(begin) + r".*?" + re.escape(end), re.S)
    if pattern.search(current):
        updated = pattern.sub(lambda _match: block, current)
    else:
        updated = current.rstrip("\n") + "\n\n" + block + "\n"
    PERFORMANCE.write_text(updated)
