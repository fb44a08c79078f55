"""What a reader's browser fetches: `make readers` (see docs/performance.md for the results).

Starts the production server (gunicorn, whitenoise, compressed pages) on 127.0.0.1 with the demo
content, then, in Debian's Chromium: the bytes transferred and the requests made by each public
page type, with an empty browser cache, and the four Lighthouse scores (mobile) of the home,
campaign, FAQ and appeal pages. Writes its section of docs/performance.md.
"""

import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.bench import ROOT, environment, run, start_server
from benchmarks.report import write_section

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
WEIGHT_GOAL_KB, REQUESTS_GOAL = 60, 6
WEIGHED = {
    "home": "/",
    "campaign": "/campaigns/family-contact/",
    "campaign update": "/campaigns/family-contact/families-meet-in-baghdad/",
    "timeline": "/timeline/",
    "FAQ": "/faq/",
    "appeal": "/appeals/family-visits-un-special-rapporteur/",
    "family contact form": "/campaigns/family-contact/ask-for-news/",
    # Persian pages also fetch the Persian font (static/fonts/), once per browser cache.
    "Persian home": "/fa/",
    "Persian campaign": "/fa/campaigns/family-contact/",
    "Persian family contact form": "/fa/campaigns/family-contact/ask-for-news/",
}
LIGHTHOUSE_PAGES = ["home", "campaign", "FAQ", "appeal", "Persian campaign", "family contact form"]
# Lighthouse's scores move by a point or two from run to run; its authors advise the median.
LIGHTHOUSE_RUNS = 3
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
LIGHTHOUSE = ROOT / "benchmarks" / "node_modules" / ".bin" / "lighthouse"


def weigh(base):
    """Per page: (kilobytes transferred, requests, of which content images), as Chromium saw."""
    from playwright.sync_api import sync_playwright

    weights = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        for name, path in WEIGHED.items():
            context = browser.new_context()  # an empty cache each time
            page = context.new_page()
            requests = []
            page.on("requestfinished", lambda request, seen=requests: seen.append(request))
            page.goto(base + path, wait_until="networkidle")
            transferred = images = 0
            for request in requests:
                sizes = request.sizes()
                is_content_image = request.resource_type == "image" and "/media/" in request.url
                images += is_content_image
                if not is_content_image:
                    transferred += sizes["responseBodySize"] + sizes["responseHeadersSize"]
            weights[name] = (transferred / 1024, len(requests) - images, images)
            context.close()
        browser.close()
    return weights


def lighthouse(base):
    if not LIGHTHOUSE.exists():
        subprocess.run(
            ["npm", "install", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=ROOT / "benchmarks",
            check=True,
        )
    scores = {}
    with tempfile.TemporaryDirectory() as scratch:
        for name in LIGHTHOUSE_PAGES:
            runs = [
                _lighthouse_run(base + WEIGHED[name], Path(scratch)) for _ in range(LIGHTHOUSE_RUNS)
            ]
            scores[name] = {c: statistics.median(run[c] for run in runs) for c in CATEGORIES}
    return scores


def _lighthouse_run(url, scratch, attempts=3):
    report = scratch / "report.json"
    command = [
        LIGHTHOUSE,
        url,
        "--quiet",
        "--output=json",
        f"--output-path={report}",
        f"--only-categories={','.join(CATEGORIES)}",
        "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
    ]
    # Lighthouse now and then fails to record a trace (NO_NAVSTART) and asks to be run again.
    for attempt in range(attempts):
        finished = subprocess.run(command, env={**os.environ, "CHROME_PATH": CHROMIUM})
        if finished.returncode == 0:
            break
        if attempt == attempts - 1:
            raise subprocess.CalledProcessError(finished.returncode, command)
    categories = json.loads(report.read_text())["categories"]
    return {c: round(categories[c]["score"] * 100) for c in CATEGORIES}


def _goal_line(what, weight):
    if weight is None:
        return []
    kb, count, _images = weight
    met = "met" if kb <= WEIGHT_GOAL_KB and count <= REQUESTS_GOAL else "not met"
    return [
        f"- {what}, in at most {WEIGHT_GOAL_KB} KB and {REQUESTS_GOAL} requests: {met} "
        f"({kb:.1f} KB, {count} requests)."
    ]


def section(weights, scores):
    lines = [
        "## What a reader's browser fetches (`make readers`)",
        "",
        "Measured by benchmarks/readers.py in Debian's Chromium against `make serve`'s "
        "production server (gunicorn, whitenoise, compressed pages) with the demo content, "
        "each page with an empty browser cache. Content images (uploads under /media/) are "
        "counted apart, as the goal leaves them out.",
        "",
        "| page | transferred KB | requests | content images |",
        "| --- | ---: | ---: | ---: |",
    ]
    lines += [
        f"| {name} | {kb:.1f} | {count} | {images} |"
        for name, (kb, count, images) in weights.items()
    ]
    kb, count, _images = weights["campaign"]
    lines += [
        "",
        f"Lighthouse, mobile preset, the median of {LIGHTHOUSE_RUNS} runs per page:",
        "",
        "| page | " + " | ".join(CATEGORIES) + " |",
        "| --- |" + " ---: |" * len(CATEGORIES),
    ]
    lines += [
        f"| {name} | " + " | ".join(str(scores[name][c]) for c in CATEGORIES) + " |"
        for name in scores
    ]
    short = [f"{name} {c} {s[c]}" for name, s in scores.items() for c in CATEGORIES if s[c] < 100]
    lines += [
        "",
        "Against the goals:",
        "",
        f"- A campaign page in at most {WEIGHT_GOAL_KB} KB and {REQUESTS_GOAL} requests: "
        f"{'met' if kb <= WEIGHT_GOAL_KB and count <= REQUESTS_GOAL else 'not met'} "
        f"({kb:.1f} KB, {count} requests).",
        *_goal_line(
            "The Persian campaign page, with the Persian font", weights.get("Persian campaign")
        ),
        "- 100 in every Lighthouse category: "
        + ("met." if not short else f"not met: {', '.join(short)}."),
    ]
    return "\n".join(lines)


def main():
    with tempfile.TemporaryDirectory() as scratch:
        env = {
            **environment(Path(scratch)),
            "DATABASE_URL": f"sqlite:///{scratch}/readers.sqlite3",
            "CACHE_URL": "locmemcache://",
        }
        run(sys.executable, "manage.py", "migrate", "--no-input", "-v0", env=env)
        run(sys.executable, "manage.py", "load_demo_content", env=env, stdout=subprocess.DEVNULL)
        run(sys.executable, "manage.py", "collectstatic", "--no-input", "-v0", env=env)
        server, base = start_server(env)
        try:
            weights = weigh(base)
            scores = lighthouse(base)
        finally:
            server.terminate()
    text = section(weights, scores)
    write_section("readers", text)
    print(text)


if __name__ == "__main__":
    main()
