"""Every public page type is valid HTML by the Nu HTML Checker (the vnu-jar npm package, on Java).

`npm install --ignore-scripts` puts the checker in node_modules; .ci/run does it. Without Java or
the checker the test is skipped, except in CI, where that is an error.
"""

import io
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from tests.html import PUBLIC_PAGES as PAGES

VNU = Path(settings.BASE_DIR) / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


@pytest.fixture
def checker():
    java = shutil.which("java")
    if java and VNU.exists():
        return [java, "-jar", str(VNU)]
    missing = "Java" if not java else f"the checker at {VNU} (npm install --ignore-scripts)"
    if os.environ.get("CI"):
        pytest.fail(f"CI checks the HTML, and {missing} is missing")
    pytest.skip(f"{missing} is missing")


def errors_in(checker, files):
    result = subprocess.run(  # noqa: S603 - our own files
        [*checker, "--errors-only", "--format", "json", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(result.stderr or '{"messages": []}')["messages"]
    return [
        f"{Path(message['url']).name}:{message.get('lastLine')}: {message['message']}"
        for message in messages
    ]


@pytest.mark.django_db
def test_every_public_page_type_is_valid_html(client, checker, tmp_path):
    call_command("load_demo_content", stdout=io.StringIO())
    files = []
    for name, path in PAGES.items():
        response = client.get(path)
        assert response.status_code == (404 if name.endswith("not found") else 200), path
        files.append(tmp_path / f"{name.replace(' ', '-')}.html")
        files[-1].write_bytes(response.content)

    assert errors_in(checker, files) == []


def test_the_checker_finds_errors(checker, tmp_path):
    broken = tmp_path / "broken.html"
    broken.write_text("<!DOCTYPE html><html lang=en><title>x</title><p><div></span>")

    assert errors_in(checker, [broken]) != []
