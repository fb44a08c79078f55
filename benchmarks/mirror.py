"""How long the static mirror takes to build, and how big it is: `make bench-mirror`.

On PostgreSQL, with production settings, for the demo content and then for the benchmark's large
data set (benchmarks/dataset.py); each build is whole, as every rebuild after a publish is.
Then the demo's copy served by a plain static server (Python's http.server), measured with wrk
beside the file it is made of. Writes its section of docs/performance.md.
"""

import re
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from benchmarks.bench import (
    PYTHON,
    add_large_data_set,
    environment,
    free_port,
    fresh_database,
    run,
    wrk,
)
from benchmarks.report import write_section


def build(env, folder):
    started = time.monotonic()
    output = run(
        PYTHON,
        "manage.py",
        "build_mirror",
        f"--output={folder}",
        f"--zip={folder}.zip",
        env=env,
        capture_output=True,
    ).stdout
    seconds = time.monotonic() - started
    files = [path for path in folder.rglob("*") if path.is_file()]
    left = re.search(r"(\d+) addresses left", output).group(1)
    return {
        "seconds": seconds,
        "files": len(files),
        "kb": sum(path.stat().st_size for path in files) / 1024,
        "zip_kb": Path(f"{folder}.zip").stat().st_size / 1024,
        "left": left,
    }


def served(folder):
    """Requests per second for the copy's campaign page from a plain static server."""
    port = free_port()
    server = subprocess.Popen(  # noqa: S603 - our own command
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"],
        cwd=folder,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _attempt in range(50):
            try:
                subprocess.run(  # noqa: S603
                    ["curl", "-sf", f"http://127.0.0.1:{port}/index.html"],  # noqa: S607
                    check=True,
                    capture_output=True,
                )
                break
            except subprocess.CalledProcessError:
                time.sleep(0.1)
        return wrk(f"http://127.0.0.1:{port}/campaigns/family-contact/index.html")
    finally:
        server.terminate()


def main():
    fresh_database()
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        env = environment(scratch)
        run(PYTHON, "manage.py", "migrate", "--no-input", "-v0", env=env)
        run(PYTHON, "manage.py", "load_demo_content", env=env, stdout=subprocess.DEVNULL)
        run(PYTHON, "manage.py", "collectstatic", "--no-input", "-v0", env=env)
        demo = build(env, scratch / "demo")
        with zipfile.ZipFile(f"{scratch / 'demo'}.zip") as archive:
            if archive.testzip() is not None:
                raise SystemExit("The demo's zip is damaged")
        static = served(scratch / "demo")
        add_large_data_set(env)
        large = build(env, scratch / "large")
    rows = "\n".join(
        f"| {name} | {r['seconds']:.1f} s | {r['files']:,} | {r['kb']:,.0f} KB | "
        f"{r['zip_kb']:,.0f} KB | {r['left']} |"
        for name, r in [("demo", demo), ("large data set (benchmarks/dataset.py)", large)]
    )
    write_section(
        "mirror",
        f"""
## The static mirror (`manage.py build_mirror`)

Each build is whole, as the rebuild after a publish is (base/mirror_tasks.py); PostgreSQL,
production settings, this machine. "Not copied" counts the site addresses the copy does not hold:
the appeals' counted actions, replaced by where they lead (mailto:, webmail), and the printed
letter and confirmation, which lead to the main site.

| content | build | files | size | zip | not copied |
|---|---|---|---|---|---|
{rows}

The demo's copy served by a plain static server (Python's http.server, one thread), the campaign
page: {static["rps"]:,.0f} requests/s, p99 {static["p99"]:.0f} ms (wrk, 2 threads, 16
connections). Any static web server or bucket serves it; nginx is many times faster.
""",
    )


if __name__ == "__main__":
    main()
