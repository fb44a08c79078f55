"""A static copy of the public site, for mirrors on other domains and hosts and for carrying by
hand: readers where the site is blocked read the same pages from wherever the copy is.

The copy is what an anonymous reader gets: each page is requested from the site itself, in
this process, through every middleware, as a reader without a cookie would request it, so a
private, draft or restricted page never enters it (it answers a redirect to the login form or
404, and the link to it leads to the main site instead). The crawl starts from the sitemap and
the home page of each language, then follows every link, asset, stylesheet reference and feed.

Every link inside the copy is relative and names its file (`../faq/index.html`, not `/faq/`),
so the same files work from any domain, any sub-path, a file:// folder and an unpacked zip.
What needs the server is replaced: a link that only redirects elsewhere (the counted appeal
action) by where it leads, a filter form by links to each of its choices, and a form that
needs the server (search, the family contact form) by a note with the main site's address.
The canonical link of each page still names the main site.
"""

import hashlib
import posixpath
import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlencode, urljoin, urlsplit

from bs4 import BeautifulSoup
from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext as _
from wagtail.models import Site

from .page_cache import FRESH

# Attributes that hold one address, and those that hold a list of them.
LINK_ATTRIBUTES = {"a": "href", "link": "href", "img": "src", "script": "src", "source": "src"}
CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""")
# Addresses never copied: the admin and its logins, and what needs the server.
NEVER = re.compile(rf"^/({re.escape(settings.ADMIN_PATH)}|django-admin/|_util/|(fa/)?_util/)")
FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/xml", "text/xml")


@dataclass
class Mirror:
    """The files of the copy, by their path inside it, and what the crawl left out."""

    files: dict = field(default_factory=dict)  # path in the copy -> bytes
    left_out: dict = field(default_factory=dict)  # site path -> why

    def write(self, output):
        """Writes the copy beside output, then puts it in output's place by two renames, so a
        reader or a sync never sees a half-written copy."""
        output = Path(output)
        output.parent.mkdir(parents=True, exist_ok=True)
        building = Path(tempfile.mkdtemp(prefix=f".{output.name}-", dir=output.parent))
        for name, content in self.files.items():
            target = building / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
        building.chmod(0o755)
        old = None
        if output.exists():
            old = output.with_name(f".{output.name}-old")
            shutil.rmtree(old, ignore_errors=True)
            output.rename(old)
        building.rename(output)
        if old:
            shutil.rmtree(old, ignore_errors=True)
        return output

    def write_zip(self, path):
        """The copy as one zip file (files in a stable order, with a fixed date, so the same
        site gives the same bytes), and its SHA-256 in a file beside it for those who pass it
        on by hand. Returns the checksum."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.partial")
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
            for name in sorted(self.files):
                info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                archive.writestr(info, self.files[name])
        partial.replace(path)
        checksum = hashlib.sha256(path.read_bytes()).hexdigest()
        path.with_name(f"{path.name}.sha256").write_text(f"{checksum}  {path.name}\n")
        return checksum


def main_site():
    """The default site's public address, which notes and canonical links name."""
    site = Site.objects.filter(is_default_site=True).first() or Site.objects.first()
    base = urlsplit(settings.WAGTAILADMIN_BASE_URL)
    if site is None or site.hostname in ("localhost", "127.0.0.1", base.hostname):
        return settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    port = "" if site.port in (80, 443) else f":{site.port}"
    return f"{base.scheme}://{site.hostname}{port}"


def file_for(path, query="", content_type="text/html"):
    """The file in the copy for a site address: /fa/aims/ -> fa/aims/index.html, a list's
    second page (?page=2) -> …/index-page-2.html, a feed -> …/index.xml."""
    path = unquote(path)
    if not path.endswith("/"):
        return path.lstrip("/")
    suffix = ".xml" if content_type.startswith(FEED_TYPES) else ".html"
    name = "index"
    if query:
        parts = [f"{key}-{value}" for key, value in sorted(parse_qsl(query))]
        name += "-" + re.sub(r"[^\w-]+", "-", "-".join(parts)).strip("-")
    return f"{path.lstrip('/')}{name}{suffix}"


def relative(target, source):
    """The address of target (a file in the copy) from the file source."""
    return posixpath.relpath(target, posixpath.dirname(source) or ".")


class Crawler:
    def __init__(self, base=None):
        # Pages are asked for as the default site's readers ask for them; base is the address
        # notes give readers for what needs the server (the public one, when the site itself
        # runs behind a proxy under another name).
        self.base = (base or main_site()).rstrip("/")
        parts = urlsplit(main_site())
        # Never the page cache's copy from before a change: the copy is rebuilt after one.
        self.client = Client(
            HTTP_HOST=parts.netloc,
            headers={"Accept-Language": settings.LANGUAGE_CODE},
            **{FRESH: "1"},
        )
        # As over HTTPS where the site sends everyone there (it would answer each with a redirect).
        self.secure = parts.scheme == "https" or settings.SECURE_SSL_REDIRECT
        self.mirror = Mirror()
        self.where = {}  # site address -> file in the copy, or None if it is not copied
        self.redirects = {}  # site address -> where it redirects (on the site or away from it)
        self.queue = []

    def get(self, path, method="get"):
        self.client.cookies.clear()  # as a reader with no cookie, every time
        return getattr(self.client, method)(path, secure=self.secure)

    def run(self):
        # Static servers answer a missing file with 404.html, wherever it was asked for.
        missing = "/no-such-page-in-the-mirror/"
        self.mirror.files["404.html"] = self.page(
            missing, "404.html", self.get(missing).content.decode()
        )
        for language, _name in settings.LANGUAGES:
            prefix = "/" if language == settings.LANGUAGE_CODE else f"/{language}/"
            self.enqueue(prefix)
        self.enqueue("/robots.txt")
        self.read_sitemap("/sitemap.xml")
        while self.queue:
            self.fetch(self.queue.pop(0))
        for name, pending in list(self.mirror.files.items()):
            if isinstance(pending, _Page):
                self.mirror.files[name] = pending.finish(self)
        return self.mirror

    def read_sitemap(self, address):
        """Keeps a sitemap as it is and queues the pages it lists; for the index of sitemaps,
        each sitemap it lists (that of /sitemap-pages.xml?p=2 in sitemap-pages-p-2.xml)."""
        response = self.get(address)
        if response.status_code != 200:
            return
        parts = urlsplit(address)
        stem, dot, extension = parts.path.lstrip("/").rpartition(".")
        if parts.query:
            stem += "-" + re.sub(r"[^\w-]+", "-", parts.query)
        self.mirror.files[stem + dot + extension] = response.content
        index = b"<sitemapindex" in response.content
        for loc in re.findall(rb"<loc>([^<]+)</loc>", response.content):
            url = urlsplit(loc.decode())
            if index:
                self.read_sitemap(f"{url.path}?{url.query}" if url.query else url.path)
            else:
                self.enqueue(url.path)

    def enqueue(self, address):
        if address not in self.where and address not in self.queue:
            self.queue.append(address)

    def fetch(self, address):
        """Copies one site address, or records why not."""
        parts = urlsplit(address)
        path = parts.path
        if path.startswith(settings.STATIC_URL):
            return self.copy_file(address, _static(path))
        if path.startswith(settings.MEDIA_URL):
            return self.copy_file(address, _media(path))
        if NEVER.match(path):
            return self.leave_out(address, "not public")
        # The appeal action is asked with HEAD, which shows where it leads without counting
        # a reader's action (it counts GET requests only).
        counted = path.startswith(f"/{settings.APPEAL_ACTION_PATH}")
        response = self.get(address, "head" if counted else "get")
        if response.status_code in (301, 302, 303, 307, 308):
            target = response["Location"]
            if urlsplit(target).scheme in ("mailto", "tel") or urlsplit(target).netloc:
                self.redirects[address] = target
                return self.leave_out(address, "redirects outside the site")
            self.enqueue(urljoin(address, target))
            self.redirects[address] = urljoin(address, target)
            return self.leave_out(address, "redirects")
        if response.status_code != 200 or counted:
            return self.leave_out(address, f"answers {response.status_code}")
        content_type = response.get("Content-Type", "")
        name = file_for(path, parts.query, content_type)
        self.where[address] = name
        if content_type.startswith("text/html"):
            self.mirror.files[name] = self.page(address, name, response.content.decode())
        elif content_type.startswith("text/css"):
            self.mirror.files[name] = self.stylesheet(name, response.content.decode())
        else:
            self.mirror.files[name] = b"".join(response) if response.streaming else response.content

    def leave_out(self, address, why):
        self.where[address] = None
        self.mirror.left_out[address] = why

    def copy_file(self, address, source):
        if source is None:
            return self.leave_out(address, "no such file")
        name = unquote(urlsplit(address).path).lstrip("/")
        self.where[address] = name
        if name.endswith(".css"):
            self.mirror.files[name] = self.stylesheet(name, source.decode())
        else:
            self.mirror.files[name] = source

    def stylesheet(self, name, css):
        """CSS with each url() relative; the files it names are copied too."""

        def local(match):
            url = match.group(2)
            if url.startswith(("data:", "#")) or urlsplit(url).scheme:
                return match.group(0)
            address = urljoin("/" + name, url)
            if address not in self.where:
                self.fetch(address)
            target = self.where.get(address)
            return f'url("{relative(target, name)}")' if target else match.group(0)

        return CSS_URL.sub(local, css).encode()

    def page(self, address, name, html):
        document = BeautifulSoup(html, "html.parser")
        for _element, _attribute, url in self.site_links(document):
            self.enqueue(self.address(address, url))
        for element in document.find_all(srcset=True):
            for url, _descriptors in _srcset(element["srcset"]):
                if self.internal(url):
                    self.enqueue(self.address(address, url))
        for form in document.find_all("form", method=re.compile("^get$", re.I)):
            for url in _choices(form):
                self.enqueue(self.address(address, url))
        return _Page(address, name, document)

    def site_links(self, document):
        """(element, attribute, address) of each address on this site the page names in an
        attribute that holds one: links, stylesheets, feeds, scripts, images."""
        for element in document.find_all(LINK_ATTRIBUTES):
            url = element.get(LINK_ATTRIBUTES[element.name])
            if url and self.internal(url):
                yield element, LINK_ATTRIBUTES[element.name], url

    def internal(self, url):
        parts = urlsplit(url)
        if parts.scheme in ("mailto", "tel", "data", "javascript"):
            return False
        if parts.netloc:
            return False  # absolute addresses stay as they are (the canonical, share links)
        return bool(parts.path or parts.query)

    @staticmethod
    def address(source, url):
        parts = urlsplit(urljoin(source, url))
        return parts.path + (f"?{parts.query}" if parts.query else "")


class _Page:
    """A copied page, rewritten once every address it names is known."""

    def __init__(self, address, name, document):
        self.address, self.name, self.document = address, name, document

    def finish(self, crawler):
        document = self.document
        for form in document.find_all("form"):
            self.replace_form(crawler, form)
        # The page's own address stays the main site's: search engines and readers who share
        # it are sent there.
        for element in document.select('link[rel="canonical"], meta[property="og:url"]'):
            attribute = "href" if element.name == "link" else "content"
            path = urlsplit(element.get(attribute, "")).path
            element[attribute] = crawler.base + path
        for element, attribute, url in list(crawler.site_links(document)):
            element[attribute] = self.link(crawler, url)
            if element.get("data-print-href"):
                self.print_address(crawler, element)
        for element in document.find_all(srcset=True):
            element["srcset"] = ", ".join(
                " ".join([self.link(crawler, url) if crawler.internal(url) else url, *descriptors])
                for url, descriptors in _srcset(element["srcset"])
            )
        return str(document).encode()

    @staticmethod
    def print_address(crawler, element):
        """The address printed after a link (base/templatetags/print_tags.py): the main
        site's, as the canonical; none where the link now leads out of the site (mailto:)."""
        if urlsplit(element["href"]).scheme:
            del element["data-print-href"]
            return
        parts = urlsplit(element["data-print-href"])
        query = f"?{parts.query}" if parts.query else ""
        fragment = f"#{parts.fragment}" if parts.fragment else ""
        element["data-print-href"] = crawler.base + parts.path + query + fragment

    def link(self, crawler, url):
        """The address of url from this page: its file in the copy, where it redirects, or the
        main site's address for what the copy does not hold."""
        address = crawler.address(self.address, url)
        fragment = urlsplit(url).fragment
        anchor = f"#{fragment}" if fragment else ""
        while address in crawler.redirects and crawler.where.get(address) is None:
            target = crawler.redirects[address]
            if urlsplit(target).scheme in ("mailto", "tel") or urlsplit(target).netloc:
                return target
            address = target
        target = crawler.where.get(address)
        if target:
            if target == self.name and anchor:
                return anchor
            return relative(target, self.name) + anchor
        return crawler.base + address + anchor

    def replace_form(self, crawler, form):
        """A filter becomes links to each of its choices; a form that needs the server becomes
        a note with the main site's address."""
        document = self.document
        choices = _choices(form)
        if choices:
            items = document.new_tag("ul", attrs={"class": "mirror-choices"})
            for url, label in choices.items():
                item = document.new_tag("li")
                # The site's address: finish() makes every link relative after this.
                link = document.new_tag("a", href=crawler.address(self.address, url))
                link.string = label
                item.append(link)
                items.append(item)
            form.replace_with(items)
            return
        action = crawler.address(self.address, form.get("action") or self.address)
        note = document.new_tag("p", attrs={"class": "mirror-note", "role": "note"})
        with translation.override(document.html.get("lang") if document.html else None):
            note.append(_("This form works only on the main site, not in this copy:") + " ")
        link = document.new_tag("a", href=crawler.base + action)
        link.string = crawler.base + action
        note.append(link)
        form.replace_with(note)


def _srcset(value):
    """(address, descriptors) of each candidate of a srcset attribute."""
    return [(words[0], words[1:]) for candidate in value.split(",") if (words := candidate.split())]


def _choices(form):
    """{address: label} for a filter form (GET, lists of choices and no free text): each
    choice of each list on its own."""
    if (form.get("method") or "get").lower() != "get" or form.find(
        "input", attrs={"type": re.compile("^(text|search)$")}
    ):
        return {}
    action = form.get("action", "")
    choices = {}
    for select in form.find_all("select", attrs={"name": True}):
        label = form.find("label", attrs={"for": select.get("id")}) if select.get("id") else None
        heading = f"{label.get_text(strip=True)}: " if label else ""
        for option in select.find_all("option"):
            value = option.get("value", "")
            query = urlencode({select["name"]: value}) if value else ""
            choices[f"{action}?{query}" if query else action or "?"] = heading + option.get_text(
                strip=True
            )
    return choices


def _static(path):
    name = unquote(path.removeprefix(settings.STATIC_URL))
    try:
        if staticfiles_storage.exists(name):
            with staticfiles_storage.open(name) as file:
                return file.read()
    except (OSError, ValueError):
        pass
    found = finders.find(name)
    return Path(found).read_bytes() if found else None


def _media(path):
    name = unquote(path.removeprefix(settings.MEDIA_URL))
    # Documents are served through their own view, which checks their collection's privacy.
    if name.startswith("documents/") or not default_storage.exists(name):
        return None
    with default_storage.open(name) as file:
        return file.read()


def build(base=None):
    """The copy of the public site, as a Mirror (not yet written anywhere)."""
    return Crawler(base).run()


def publish(copy, targets):
    """Puts the copy at each target of MIRROR_TARGETS: a folder (`/srv/mirror` or
    `file:///srv/mirror`), an S3-compatible bucket (`s3://bucket/prefix`) or a zip file with its
    checksum (`zip:///srv/downloads/site.zip`). Returns a line per target for the log."""
    done = []
    for target in targets:
        parts = urlsplit(target)
        if parts.scheme in ("", "file"):
            copy.write(unquote(parts.path))
        elif parts.scheme == "zip":
            checksum = copy.write_zip(unquote(parts.path))
            target = f"{target} (SHA-256 {checksum})"
        elif parts.scheme == "s3":
            sync_to_storage(copy, bucket_storage(parts.netloc, parts.path.strip("/")))
        else:
            raise ValueError(f"{target}: a mirror target is a folder, s3:// or zip://")
        done.append(target)
    return done


def bucket_storage(bucket, prefix):
    """django-storages' S3 storage for a mirror bucket: credentials as boto3 finds them (the
    AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY variables), and MIRROR_BUCKET_ENDPOINT for a
    service other than Amazon's. Files are public to read, as a web site's are."""
    from storages.backends.s3 import S3Storage

    return S3Storage(
        bucket_name=bucket,
        location=prefix,
        endpoint_url=settings.MIRROR_BUCKET_ENDPOINT or None,
        default_acl="public-read",
        querystring_auth=False,
        file_overwrite=True,
    )


def sync_to_storage(copy, storage):
    """Makes the storage hold the copy: files that pages need first, then the pages, then the
    files no page needs any longer are deleted, so a reader in the middle never meets a page
    whose stylesheet or document is not there yet."""
    pages = sorted(name for name in copy.files if name.endswith(".html"))
    for name in [*sorted(set(copy.files) - set(pages)), *pages]:
        if storage.exists(name) and not getattr(storage, "file_overwrite", False):
            storage.delete(name)
        storage.save(name, ContentFile(copy.files[name]))
    for name in set(_stored(storage)) - set(copy.files):
        storage.delete(name)


def _stored(storage, folder=""):
    folders, files = storage.listdir(folder)
    for name in files:
        yield posixpath.join(folder, name)
    for inner in folders:
        yield from _stored(storage, posixpath.join(folder, inner))
