"""Every public page type is valid HTML by the Nu HTML Checker (the vnu-jar npm package, on Java).

`npm install --ignore-scripts` puts the checker in node_modules; .ci/run does it. Without Java or
the checker the test is skipped, except in CI, where that is an error.
"""

from tests.html import PUBLIC_PAGES as PAGES
from tests.html import errors_in


def test_every_public_page_type_is_valid_html(client, demo_site, checker, tmp_path):
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
