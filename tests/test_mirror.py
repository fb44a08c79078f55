"""The static copy of the site (base/mirror.py, `manage.py build_mirror`): whole, relative, and
only what anonymous readers may see."""

import hashlib
import io
import posixpath
import re
import zipfile
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.core.management import call_command
from django.test import override_settings
from wagtail.models import Page, PageViewRestriction
from wagtail.rich_text import RichText

from base import mirror
from campaigns.models import Appeal, AppealActionCount
from tests.builders import make_content_page, make_image
from tests.html import errors_in

pytestmark = pytest.mark.usefixtures("demo_site")
MAIN = "https://iran-interlink.example"
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)""")


def addresses(path, content):
    """Every address a file of the copy names: links, assets, srcset candidates, CSS url()."""
    if path.suffix == ".css":
        return CSS_URL.findall(content.decode())
    document = BeautifulSoup(content, "html.parser")
    found = [
        element.get(attribute)
        for attribute in ("href", "src")
        for element in document.find_all(attrs={attribute: True})
        if not (element.name == "link" and "canonical" in element.get("rel", []))
    ]
    for element in document.find_all(srcset=True):
        found += [candidate.split()[0] for candidate in element["srcset"].split(",")]
    return found


def check_links(root):
    """Walks the copy from each language's home page: (files reached, broken links)."""
    queue = [root / "index.html", root / "fa" / "index.html"]
    reached, broken = set(), []
    while queue:
        path = queue.pop()
        if path in reached:
            continue
        reached.add(path)
        if path.suffix not in (".html", ".css"):
            continue
        for address in addresses(path, path.read_bytes()):
            parts = urlsplit(address)
            if parts.scheme or parts.netloc or not parts.path:
                continue  # another site, mailto:, or a place on the same page
            if address.startswith("/"):
                broken.append(f"{path.relative_to(root)}: {address} is not relative")
                continue
            target = (path.parent / unquote(parts.path)).resolve()
            if not target.is_file() or root.resolve() not in target.parents:
                broken.append(f"{path.relative_to(root)}: {address}")
            else:
                queue.append(target)
    return reached, broken


@pytest.fixture(scope="module")
def built(demo_site_for_module, django_db_blocker, tmp_path_factory):
    """The demo site's copy, built once for the module's tests that only read it."""
    folder = tmp_path_factory.mktemp("built")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=demo_site_for_module):
        call_command(
            "build_mirror",
            output=str(folder / "mirror"),
            zip=str(folder / "site.zip"),
            base_url=MAIN,
            stdout=io.StringIO(),
        )
    return folder / "mirror"


def test_every_link_and_asset_of_the_copy_resolves_inside_it(built):
    reached, broken = check_links(built)

    assert broken == []
    names = {str(path.relative_to(built)) for path in reached}
    assert {"index.html", "fa/index.html", "fa/faq/index.html", "static/css/site.css"} <= names
    assert "static/fonts/vazirmatn-persian.woff2" in names
    assert any(name.startswith("documents/") and name.endswith(".pdf") for name in names)
    # Each page of each list and filter, and the feeds, are in the copy.
    assert {"timeline/index-year-2003.html", "fa/timeline/index-year-1382.html"} <= names
    assert (built / "timeline/feed/rss/index.xml").read_bytes().startswith(b"<?xml")
    assert {"robots.txt", "sitemap.xml", "sitemap-pages.xml", "404.html"} <= {
        p.name for p in built.iterdir()
    }


def test_the_copy_keeps_the_main_site_as_canonical_and_names_it_for_what_needs_a_server(built):
    faq = BeautifulSoup((built / "fa/faq/index.html").read_bytes(), "html.parser")
    form_page = BeautifulSoup(
        (built / "fa/campaigns/family-contact/ask-for-news/index.html").read_bytes(), "html.parser"
    )

    assert faq.select_one("link[rel=canonical]")["href"] == f"{MAIN}/fa/faq/"
    campaign = BeautifulSoup(
        (built / "fa/campaigns/family-contact/index.html").read_bytes(), "html.parser"
    )
    printed = {a["data-print-href"] for a in campaign.select("[data-print-href]")}
    assert printed and all(address.startswith(f"{MAIN}/") for address in printed)
    assert faq.select("form") == []
    note = form_page.select_one("main .mirror-note")
    assert note.a["href"] == f"{MAIN}/fa/campaigns/family-contact/ask-for-news/"
    assert "تارنمای اصلی" in note.get_text()


def test_a_filter_becomes_links_to_each_of_its_choices(built):
    timeline = BeautifulSoup((built / "fa/timeline/index.html").read_bytes(), "html.parser")

    choices = {a["href"]: a.get_text() for a in timeline.select(".mirror-choices a")}

    assert choices["index-year-1382.html"].endswith("۱۳۸۲")
    assert "index-campaign-family-contact.html" in choices


def test_the_appeal_action_leads_where_it_leads_on_the_site_without_being_counted(built):
    appeal = Appeal.objects.get(locale__language_code="en")
    page = (built / "appeals" / appeal.slug / "index.html").read_text()

    assert f'href="{appeal.get_target_url().replace("&", "&amp;")}"' in page
    # The webmail links too; what only the server can do (the printed letter's count, the
    # confirmation) is the main site's address. The letter itself is on the page.
    links = [a["href"] for a in BeautifulSoup(page, "html.parser").select("main a[href]")]
    assert any(link.startswith("https://mail.google.com/") for link in links)
    assert [link for link in links if "/act/" in link and not link.startswith(MAIN)] == []
    assert "appeal-letter" in page
    assert not AppealActionCount.objects.exists()


def test_private_and_draft_pages_never_enter_the_copy(tmp_path):
    home = Page.objects.get(depth=2, locale__language_code="en").specific
    private = make_content_page(
        home, "Staff notes", body=[("paragraph", RichText("<p>Secret plans</p>"))]
    )
    PageViewRestriction.objects.create(
        page=private, restriction_type=PageViewRestriction.PASSWORD, password="x"
    )
    make_content_page(
        home, "Not yet", live=False, body=[("paragraph", RichText("<p>Unready words</p>"))]
    )

    copy = mirror.build(MAIN)

    text = b"".join(copy.files.values())
    assert b"Secret plans" not in text and b"Unready words" not in text
    assert not any("staff-notes" in name or "not-yet" in name for name in copy.files)


def test_a_copy_built_after_a_publish_has_the_change_not_the_page_caches_last_copy(
    client, settings
):
    """Readers get the page cache's copy from before a change until it renders again; the
    mirror's crawl never does, or the copy would lag a publish behind the site."""
    settings.PAGE_CACHE_SECONDS = 600
    aims = Page.objects.get(url_path="/home/aims/").specific
    client.get("/aims/")
    aims.title = "What the campaign asks"
    aims.save_revision().publish()

    copy = mirror.build(MAIN)

    assert b"What the campaign asks" in copy.files["aims/index.html"]
    assert client.get("/aims/")["X-Cache"] == "hit"  # the crawl's render is the readers' too


def test_the_zip_holds_the_same_files_and_its_checksum_is_beside_it(built):
    archive = built.parent / "site.zip"
    checksum = (built.parent / "site.zip.sha256").read_text().split()[0]

    assert hashlib.sha256(archive.read_bytes()).hexdigest() == checksum
    with zipfile.ZipFile(archive) as opened:
        names = set(opened.namelist())
    assert names == {str(p.relative_to(built)) for p in built.rglob("*") if p.is_file()}
    assert archive.stat().st_size < 1024 * 1024


def test_a_new_build_replaces_the_old_copy_whole(tmp_path):
    output = tmp_path / "mirror"
    output.mkdir()
    (output / "left-from-before.html").write_text("old")

    call_command("build_mirror", output=str(output), base_url=MAIN, stdout=io.StringIO())

    assert not (output / "left-from-before.html").exists()
    assert (output / "index.html").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["mirror"]


def test_a_page_address_names_its_file_in_the_copy():
    assert mirror.file_for("/fa/aims/") == "fa/aims/index.html"
    assert mirror.file_for("/timeline/", "page=2") == "timeline/index-page-2.html"
    assert mirror.file_for("/timeline/feed/rss/", "", "application/rss+xml") == (
        "timeline/feed/rss/index.xml"
    )
    assert mirror.relative("fa/faq/index.html", "fa/aims/index.html") == "../faq/index.html"
    assert mirror.relative("static/css/site.css", "index.html") == "static/css/site.css"
    assert Path(mirror.file_for("/documents/1/a%20b.pdf")).name == "a b.pdf"


def test_the_copy_goes_to_each_target_and_a_bucket_keeps_only_what_it_holds(tmp_path):
    """A folder and a zip by MIRROR_TARGETS; a bucket through its storage (here a folder in
    its place), where a file no page needs any longer is deleted."""
    copy = mirror.Mirror(files={"index.html": b"<p>home</p>", "static/site.css": b"p{}"})
    folder, archive = tmp_path / "folder", tmp_path / "out" / "site.zip"

    done = mirror.publish(copy, [str(folder), f"zip://{archive}"])

    assert (folder / "static/site.css").read_bytes() == b"p{}"
    assert zipfile.ZipFile(archive).namelist() == ["index.html", "static/site.css"]
    assert done[1].startswith(f"zip://{archive} (SHA-256 ")
    bucket = FileSystemStorage(location=tmp_path / "bucket")
    bucket.save("old/page.html", ContentFile(b"gone"))
    bucket.save("index.html", ContentFile(b"<p>before</p>"))
    mirror.sync_to_storage(copy, bucket)
    assert sorted(mirror._stored(bucket)) == ["index.html", "static/site.css"]
    assert bucket.open("index.html").read() == b"<p>home</p>"
    with pytest.raises(ValueError, match="ftp://"):
        mirror.publish(copy, ["ftp://example.org/"])


def test_a_bucket_target_uses_django_storages_with_public_files(settings):
    settings.MIRROR_BUCKET_ENDPOINT = "https://s3.example.net"

    storage = mirror.bucket_storage("mirror-bucket", "site")

    assert (storage.bucket_name, storage.location, storage.endpoint_url) == (
        "mirror-bucket",
        "site",
        "https://s3.example.net",
    )
    assert storage.default_acl == "public-read" and storage.querystring_auth is False


def test_without_mirror_targets_publishing_queues_nothing(
    settings, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    settings.MIRROR_TARGETS = []
    aims = Page.objects.get(url_path__endswith="/aims/", locale__language_code="en").specific
    with django_capture_on_commit_callbacks(execute=True):
        aims.save_revision().publish()

    assert not DBTaskResult.objects.exists()


def test_the_copys_pages_are_valid_html(built, checker):
    pages = [
        built / "fa/index.html",
        built / "fa/timeline/index.html",
        built / "fa/campaigns/family-contact/ask-for-news/index.html",
        built / "appeals/family-visits-un-special-rapporteur/index.html",
        built / "404.html",
    ]

    assert errors_in(checker, pages) == []


def test_the_image_files_a_page_shows_are_in_the_copy(tmp_path):
    home = Page.objects.get(depth=2, locale__language_code="en").specific
    image = make_image()
    figure = {"image": {"image": image, "decorative": False, "alt_text": "A crowd"}}
    make_content_page(home, "Gallery", body=[("image", figure)])

    copy = mirror.build(MAIN)

    page = BeautifulSoup(copy.files["gallery/index.html"], "html.parser")
    sources = [page.select_one("main img")["src"]] + [
        candidate.split()[0]
        for source in page.select("main source[srcset]")
        for candidate in source["srcset"].split(",")
    ]
    assert len(sources) > 1
    for source in sources:
        name = posixpath.normpath(posixpath.join("gallery", source))
        assert name.startswith("media/images/") and copy.files[name].startswith(
            (b"\x89PNG", b"RIFF", b"\x00\x00\x00", b"\xff\xd8")
        ), source
