"""The benchmark's data sets, each added beside the demo content (run load_demo_content first).

build(): the large set, 50 campaigns, 1,000 developments, 100 appeals. Bulk inserts for speed:
these rows skip the search index, which the load benchmark does not measure.

    python manage.py shell -c "from benchmarks.dataset import build; build()"

build_100x(): the archive of issue 19, a hundred times the demo (see PAGES_100X and the rest),
with revisions and search index entries, for the search and admin benchmarks (benchmarks/
admin.py). About five minutes on PostgreSQL on two busy cores.

    python manage.py shell -c "from benchmarks.dataset import build_100x; build_100x()"
"""

import collections
import contextlib
import datetime
import json
import random
import re
import time
import uuid

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import CharField, F, OuterRef, Subquery
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.text import slugify
from wagtail.models import Locale, Page, Revision
from wagtail.rich_text import RichText
from wagtail.search.backends import get_search_backend
from wagtail.search.index import AutocompleteField
from wagtail.search.models import IndexEntry

from advocacy.models import ContentPage, HomePage
from base.models import SUMMARY_LENGTH
from campaigns.models import (
    Appeal,
    CampaignIndexPage,
    CampaignPage,
    CampaignUpdatePage,
    ContactRequest,
    Development,
    Precision,
    truncate_to_precision,
)
from campaigns.models.appeals import ARABIC_SCRIPT

CAMPAIGNS, DEVELOPMENTS, APPEALS = 50, 1000, 100


def build():
    locale = Locale.get_default()
    index = CampaignIndexPage.objects.get(locale=locale)
    campaigns = list(CampaignPage.objects.filter(locale=locale))
    for number in range(len(campaigns), CAMPAIGNS):
        campaign = CampaignPage(
            title=f"Campaign {number}", slug=f"campaign-{number}", summary="A campaign."
        )
        index.add_child(instance=campaign)
        campaign.save_revision().publish()
        campaigns.append(campaign)
    now = timezone.now()
    Development.objects.bulk_create(
        Development(
            date=datetime.date(2000, 1, 1) + datetime.timedelta(days=7 * number),
            headline=f"Development {number}",
            summary="Something happened.",
            campaign=campaigns[number % len(campaigns)],
            locale=locale,
            live=True,
            first_published_at=now,
            last_published_at=now,
        )
        for number in range(DEVELOPMENTS - Development.objects.count())
    )
    Appeal.objects.bulk_create(
        Appeal(
            title=f"Appeal {number}",
            slug=f"appeal-{number}",
            campaign=campaigns[number % len(campaigns)],
            target_name="Someone",
            ask="Please act.",
            action=Appeal.Action.LINK,
            action_url="https://example.org/",
            opens_on=datetime.date(2003, 1, 1),
            locale=locale,
            live=True,
            first_published_at=now,
            last_published_at=now,
        )
        for number in range(APPEALS - Appeal.objects.count())
    )
    print(
        f"{CampaignPage.objects.count()} campaigns, {Development.objects.count()} developments, "
        f"{Appeal.objects.count()} appeals"
    )


# The 100x data set (issue 19): an archive of 10,000 pages and 100,000 developments, in English
# and Persian, built in bulk. Every count below is of both languages together: each English row
# has a Persian translation that shares its translation_key.
PAGES_100X, DEVELOPMENTS_100X, APPEALS_100X, REQUESTS_100X = 10_000, 100_000, 1_000, 10_000
# Of each language's pages: campaigns (so the campaign index has thousands of children), their
# updates, and content pages (a tenth of them under the home page, the rest one level down).
CAMPAIGN_SHARE, CONTENT_SHARE = 0.4, 0.1
BATCH = 1000
OUTDATED_EVERY = 50
SEED = 19


def build_100x(
    pages=PAGES_100X,
    developments=DEVELOPMENTS_100X,
    appeals=APPEALS_100X,
    requests=REQUESTS_100X,
    log=print,
):
    """Adds the 100x archive beside the demo content (load_demo_content first), in bulk:
    pages are inserted with their tree paths and revisions computed here, rather than through
    add_child and publish (which would take hours), and put in the search index the way
    update_index does it, a thousand at a time."""
    started = time.monotonic()
    builder = _Builder(random.Random(SEED), log)  # noqa: S311 (a repeatable data set, no secret)
    with transaction.atomic(), _values_lists():
        campaigns = builder.pages(pages // 2)
        log(f"{pages // 2 * 2} pages ({time.monotonic() - started:.0f} s)")
        builder.developments(developments // 2, campaigns)
        log(f"{developments // 2 * 2} developments ({time.monotonic() - started:.0f} s)")
        builder.appeals(appeals // 2, campaigns)
        builder.requests(requests)
    if connection.vendor == "postgresql":
        # Statistics for the planner now, not when autovacuum comes round to these tables; and
        # outside a transaction, the search index's GIN indexes settled as autovacuum leaves
        # them on a running site: until then every search reads their list of pending entries
        # too (for "family", 211 pages of the index instead of 12).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
    log(
        f"{Page.objects.count()} pages, {Development.objects.count()} developments, "
        f"{Appeal.objects.count()} appeals, {ContactRequest.objects.count()} family contact "
        f"requests in {time.monotonic() - started:.0f} s"
    )


def _demo_words():
    """The demo content's words by language, with how often each is used there: text drawn
    from them with those weights has the common and the rare words of real text."""
    from advocacy import demo_content
    from advocacy.demo_content import campaigns, campaigns_fa, pages_fa, texts

    words = {"en": collections.Counter(), "fa": collections.Counter()}
    for module in (demo_content, campaigns, campaigns_fa, pages_fa):
        for name, value in vars(module).items():
            if not name.isupper():
                continue
            for text in texts(value):
                text = re.sub(r"<[^>]+>|%\(\w+\)s", " ", text)
                for word in re.findall(r"\w+", text):
                    if len(word) > 1 and not word.isdigit():
                        language = "fa" if ARABIC_SCRIPT.search(word) else "en"
                        words[language][word] += 1
    return {language: (list(counts), list(counts.values())) for language, counts in words.items()}


class _Builder:
    def __init__(self, rng, log):
        self.rng, self.log = rng, log
        self.words = _demo_words()
        self.locales = {code: Locale.objects.get(language_code=code) for code in ("en", "fa")}
        self.now = timezone.now()
        self.backend = get_search_backend()

    def sentence(self, language, low, high):
        words, weights = self.words[language]
        chosen = self.rng.choices(words, weights, k=self.rng.randint(low, high))
        text = " ".join(chosen)
        return text[0].upper() + text[1:] + ("." if high > 8 else "")

    def body(self, language):
        blocks = []
        for number in range(2):
            blocks.append(
                ("heading", {"text": self.sentence(language, 2, 5), "anchor": f"part-{number}"})
            )
            paragraph = " ".join(self.sentence(language, 10, 20) for _ in range(3))
            blocks.append(("paragraph", RichText(f"<p>{paragraph}</p>")))
        return blocks

    # Pages

    def pages(self, count):
        """count pages in each language; returns {English campaign pk: Persian campaign}."""
        homes = {
            code: HomePage.objects.get(locale=locale, depth=2)
            for code, locale in self.locales.items()
        }
        indexes = {
            code: CampaignIndexPage.objects.get(locale=locale)
            for code, locale in self.locales.items()
        }
        n_campaigns = max(1, round(count * CAMPAIGN_SHARE))
        n_content = max(1, round(count * CONTENT_SHARE))
        n_updates = max(0, count - n_campaigns - n_content)
        campaigns = self.translated_children(
            CampaignPage, indexes, n_campaigns, self.campaign_fields
        )
        # The first campaign gets a fifth of the updates (a long-running one, with a thousand
        # children at full size); the rest are spread over the others.
        parents = [campaigns[i % len(campaigns)] for i in range(n_updates)]
        parents[: n_updates // 5] = [campaigns[0]] * (n_updates // 5)
        self.translated_children(CampaignUpdatePage, parents, n_updates, self.update_fields)
        tops = max(1, n_content // 10)
        top = self.translated_children(
            ContentPage, homes, tops, self.content_fields, show_in_menus=False
        )
        below = [top[i % len(top)] for i in range(n_content - tops)]
        self.translated_children(ContentPage, below, len(below), self.content_fields)
        return {en.pk: fa for en, fa in campaigns}

    def campaign_fields(self, language):
        return {
            "summary": self.sentence(language, 10, 25)[:SUMMARY_LENGTH],
            "status": self.rng.choice(CampaignPage.Status.values),
            "body": self.body(language),
        }

    def update_fields(self, language):
        return {
            "date": datetime.date(1995, 1, 1) + datetime.timedelta(days=self.rng.randrange(11000)),
            "summary": self.sentence(language, 10, 25)[:SUMMARY_LENGTH],
            "body": self.body(language),
        }

    def content_fields(self, language):
        return {
            "intro": self.sentence(language, 10, 25)[:SUMMARY_LENGTH],
            "body": self.body(language),
        }

    def translated_children(self, model, parents, count, fields, **extra):
        """count pages of model, each in English and in Persian. parents: {language: parent}
        for all of them, or a list of (English, Persian) parent pairs, one per page. Returns
        the (English, Persian) pairs made."""
        if isinstance(parents, dict):
            parents = [(parents["en"], parents["fa"])] * count
        made = {"en": [], "fa": []}
        for number, pair in enumerate(parents):
            english_title = self.sentence("en", 3, 7)[:80]
            slug = f"{slugify(english_title)[:50]}-{number}"
            key = uuid.uuid4()
            for code, parent in zip(("en", "fa"), pair, strict=True):
                title = english_title if code == "en" else self.sentence("fa", 3, 7)[:80]
                page = model(
                    title=title,
                    draft_title=title,
                    slug=slug,
                    locale=self.locales[code],
                    translation_key=key,
                    latest_revision_created_at=self.now,
                    **self.published(code, number),
                    **fields(code),
                    **extra,
                )
                page._parent = parent
                made[code].append(page)
        for code in ("en", "fa"):
            self.insert_pages(model, made[code])
        return list(zip(made["en"], made["fa"], strict=True))

    def insert_pages(self, model, pages):
        """Places pages in the tree below their _parent, as treebeard's add_child would, and
        inserts them: the Page rows, then the model's own (bulk_create refuses models that
        inherit from another table)."""
        content_type = ContentType.objects.get_for_model(model)
        children = collections.defaultdict(list)
        for page in pages:
            children[page._parent.pk].append(page)
        for siblings in children.values():
            parent = Page.objects.get(pk=siblings[0]._parent.pk)
            last = parent.get_last_child()
            position = Page._str2int(last.path[-Page.steplen :]) if last else 0
            for offset, page in enumerate(siblings, start=1):
                page.depth = parent.depth + 1
                page.path = Page._get_path(parent.path, page.depth, position + offset)
                page.url_path = f"{parent.url_path}{page.slug}/"
                page.numchild = 0
                page.content_type = content_type
            Page.objects.filter(pk=parent.pk).update(numchild=F("numchild") + len(siblings))
        page_fields = [field for field in Page._meta.local_concrete_fields if not field.primary_key]
        for batch in _batches(pages):
            ids = Page.objects._insert(
                batch, fields=page_fields, returning_fields=[Page._meta.pk], using="default"
            )
            for page, (pk,) in zip(batch, ids, strict=True):
                page.pk = page.page_ptr_id = pk
            model.objects._insert(batch, fields=model._meta.local_concrete_fields, using="default")
        self.revisions(Page, pages, content_type)
        self.index(model, pages)

    # Snippets

    def developments(self, count, campaigns):
        english_campaigns = list(campaigns)
        made = {"en": [], "fa": []}
        for number in range(count):
            date = datetime.date(1980, 1, 1) + datetime.timedelta(days=self.rng.randrange(16000))
            precision = self.rng.choices(Precision.values, [8, 3, 1])[0]
            date = truncate_to_precision(date, precision)
            campaign = self.rng.choice(english_campaigns) if self.rng.random() < 0.9 else None
            key = uuid.uuid4()
            for code in ("en", "fa"):
                made[code].append(
                    Development(
                        date=date,
                        precision=precision,
                        headline=self.sentence(code, 5, 12)[:200],
                        summary=self.sentence(code, 15, 40)[:600],
                        campaign_id=_campaign_in(code, campaign, campaigns),
                        locale=self.locales[code],
                        translation_key=key,
                        **self.published(code, number),
                    )
                )
        for code in ("en", "fa"):
            self.insert_snippets(Development, made[code])

    def appeals(self, count, campaigns):
        english_campaigns = list(campaigns)
        made = {"en": [], "fa": []}
        for number in range(count):
            opens_on = datetime.date(1995, 1, 1) + datetime.timedelta(
                days=self.rng.randrange(11000)
            )
            campaign = self.rng.choice(english_campaigns)
            key = uuid.uuid4()
            for code in ("en", "fa"):
                made[code].append(
                    Appeal(
                        title=self.sentence(code, 3, 8)[:200],
                        slug=f"archive-appeal-{number}",
                        campaign_id=_campaign_in(code, campaign, campaigns),
                        target_name=self.sentence(code, 2, 4),
                        ask=self.sentence(code, 15, 30)[:600],
                        action=Appeal.Action.LINK,
                        action_url="https://example.org/",
                        opens_on=opens_on,
                        closes_on=opens_on + datetime.timedelta(days=self.rng.randrange(30, 400)),
                        locale=self.locales[code],
                        translation_key=key,
                        **self.published(code, number),
                    )
                )
        for code in ("en", "fa"):
            self.insert_snippets(Appeal, made[code])

    def published(self, language, number):
        """Published now; one translation in OUTDATED_EVERY a month before its original was
        last changed, so the admin has out-of-date translations to list."""
        published_at = self.now
        if language != "en" and number % OUTDATED_EVERY == 0:
            published_at -= datetime.timedelta(days=30)
        return {
            "live": True,
            "has_unpublished_changes": False,
            "first_published_at": published_at,
            "last_published_at": published_at,
        }

    def insert_snippets(self, model, objects):
        for batch in _batches(objects):
            model.objects.bulk_create(batch)
        self.revisions(model, objects, ContentType.objects.get_for_model(model))
        self.index(model, objects)

    def revisions(self, base, objects, content_type):
        """One revision for each object, its live and latest one, as publishing leaves it: the
        admin's edit views and history start from it."""
        base_type = ContentType.objects.get_for_model(base)
        for batch in _batches(objects):
            Revision.objects.bulk_create(
                Revision(
                    content_type=content_type,
                    base_content_type=base_type,
                    object_id=str(item.pk),
                    created_at=self.now,
                    object_str=str(item)[:255],
                    content=item.serializable_data(),
                )
                for item in batch
            )
        revision = Revision.objects.filter(
            base_content_type=base_type, object_id=Cast(OuterRef("pk"), CharField())
        ).values("pk")[:1]
        first, last = objects[0].pk, objects[-1].pk
        base.objects.filter(pk__range=(first, last)).update(
            latest_revision=Subquery(revision), live_revision=Subquery(revision)
        )

    def index(self, model, objects):
        """The search index entries of objects, as update_index makes them: on PostgreSQL in one
        statement per thousand (modelsearch's add_items prepares each field five times and
        compiles an expression for each value, which takes most of an hour at this size)."""
        index = self.backend.get_index_for_model(model)
        if connection.vendor != "postgresql":
            for batch in _batches(objects):
                index.add_items(model, batch)
            return
        # The indexer add_items builds: base.search's, which spells Persian as searches do.
        indexer_class = type(index).indexer_class
        content_type = ContentType.objects.get_for_model(model)
        statement = _index_statement(self.backend)
        for batch in _batches(objects):
            entries = [_index_entry(indexer_class(item, self.backend), item) for item in batch]
            with connection.cursor() as cursor:
                cursor.execute(statement, [content_type.pk, json.dumps(entries)])
        # The rows just written (a full refresh would rewrite all of them at every call).
        index.norm_new_titles()

    # Family contact requests

    def requests(self, count):
        statuses = [ContactRequest.Status.NEW, ContactRequest.Status.IN_PROGRESS]
        made = []
        for _number in range(count):
            status = self.rng.choice([*statuses, ContactRequest.Status.CLOSED])
            made.append(
                ContactRequest(
                    language=self.rng.choice(["en", "fa"]),
                    requester_name=self.sentence("fa", 2, 3),
                    relationship=self.sentence("en", 1, 2),
                    email="",
                    phone="",
                    country=self.sentence("en", 1, 2),
                    relative_name=self.sentence("fa", 2, 3),
                    relative_year=str(self.rng.randrange(1980, 2010)),
                    message=self.sentence("fa", 10, 40),
                    consent_contact=True,
                    status=status,
                    closed_at=self.now if status == ContactRequest.Status.CLOSED else None,
                )
            )
        for request in made:
            request.search_text = request.searched_text()  # what save() writes
        for batch in _batches(made):
            ContactRequest.objects.bulk_create(batch)
        # Received over the years, not all at once (created_at is set on insert).
        for number, request in enumerate(made):
            request.created_at = self.now - datetime.timedelta(hours=number)
        ContactRequest.objects.bulk_update(made, ["created_at"], batch_size=BATCH)


@contextlib.contextmanager
def _values_lists():
    """Bulk inserts as plain VALUES lists. Django sends PostgreSQL each column as one array
    (UNNEST), which psycopg writes out in Python, escaping value by value: a third of the time
    of the whole build."""
    if connection.vendor != "postgresql":
        yield
        return
    from django.db.backends.postgresql.compiler import SQLInsertCompiler

    unnest = SQLInsertCompiler.assemble_as_sql
    SQLInsertCompiler.assemble_as_sql = SQLInsertCompiler.__mro__[1].assemble_as_sql
    try:
        yield
    finally:
        SQLInsertCompiler.assemble_as_sql = unnest


def _index_entry(indexer, item):
    """The texts of item's index entry, each field prepared once, grouped by field kind and
    weight (modelsearch's ObjectIndexer makes a tsvector of each and joins those)."""
    entry = collections.defaultdict(list)
    for field in indexer.search_fields:
        for current, weight, value in indexer.prepare_field(item, field):
            value = value.strip()
            if not value:
                continue
            if isinstance(current, AutocompleteField):
                entry["autocomplete"].append(value)
            else:
                part = "title" if current.field_name == "title" else "body"
                entry[f"{part}_{weight.lower()}"].append(value)
                entry[f"{part}_text"].append(value)
    return {"id": str(item.pk), **{key: " ".join(texts) for key, texts in entry.items()}}


def _index_statement(backend):
    """modelsearch's INSERT into its index table, from _index_entry()s given as JSON."""

    def vector(part, config):
        return " || ".join(
            f"setweight(to_tsvector({config}coalesce(e.{part}_{weight}, '')), '{weight.upper()}')"
            for weight in "abcd"
        )

    config = f"'{backend.config}'::regconfig, " if backend.config else ""
    columns = ", ".join(f"{part}_{weight} text" for part in ("title", "body") for weight in "abcd")
    return f"""
        INSERT INTO {IndexEntry._meta.db_table}
            (content_type_id, object_id, title, autocomplete, body, title_norm, title_text,
             body_text)
        SELECT %s, e.id, {vector("title", config)},
            to_tsvector('{backend.autocomplete_config}', coalesce(e.autocomplete, '')),
            {vector("body", config)}, 1.0, coalesce(e.title_text, ''), coalesce(e.body_text, '')
        FROM jsonb_to_recordset(%s::jsonb) AS e(
            id text, autocomplete text, title_text text, body_text text, {columns})
        ON CONFLICT (content_type_id, object_id) DO UPDATE SET
            title = EXCLUDED.title, title_norm = 1.0, autocomplete = EXCLUDED.autocomplete,
            body = EXCLUDED.body, title_text = EXCLUDED.title_text, body_text = EXCLUDED.body_text
    """  # noqa: S608 (names from the models and settings, values as parameters)


def _campaign_in(language, campaign, campaigns):
    """The pk of the English campaign campaign, or of its Persian translation."""
    if campaign is None or language == "en":
        return campaign
    return campaigns[campaign].pk


def _batches(items):
    for start in range(0, len(items), BATCH):
        yield items[start : start + BATCH]
