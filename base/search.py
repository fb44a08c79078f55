"""Search that finds Persian however it was typed.

Persian is written with letters, digits and half-spaces that keyboards produce in more than one
way: an Arabic layout types ي and ك where a Persian one types ی and ک, digits come in three
scripts, and the zero-width non-joiner (the half-space of می‌خواهند) is as often typed as a space
or left out. normalise() gives each of these one spelling; the search backend at the end of this
module applies it to the text it indexes and to every query, so the site search and the admin
search agree. Indexes built before a change here need `manage.py update_index`.
"""

import copy
import functools
import re
import sys
import types
import unicodedata

from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Avg, BooleanField, F, Func, Subquery, Value
from django.db.models.functions import Length
from django.utils.encoding import force_str
from modelsearch.backends import database
from modelsearch.query import And, Boost, Fuzzy, MatchAll, Not, Or, Phrase, PlainText

ZWNJ = "\u200c"

_PERSIAN_YEH = "\u06cc"
_PERSIAN_KAF = "\u06a9"
_HEH = "\u0647"
_ALEF = "\u0627"
_WAW = "\u0648"

_LETTERS = str.maketrans(
    {
        # Arabic yeh, alef maksura and yeh with hamza (رئیس, رییس) are Persian yeh to a reader.
        "\u064a": _PERSIAN_YEH,
        "\u0649": _PERSIAN_YEH,
        "\u0626": _PERSIAN_YEH,
        "\u0643": _PERSIAN_KAF,
        # Teh marbuta (in Arabic spellings of loanwords) and heh with yeh above (the ezafe of
        # خانۀ, also written خانهٔ and خانه) are all searched as heh.
        "\u0629": _HEH,
        "\u06c0": _HEH,
        # Hamza on alef and waw is often left out (تأثیر, تاثیر; مؤسسه, موسسه). Alef with madda
        # (آ) stays: it is a letter of its own in Persian.
        "\u0623": _ALEF,
        "\u0625": _ALEF,
        "\u0671": _ALEF,
        "\u0624": _WAW,
        # Persian and Arabic-Indic digits are searched as ASCII ones: ۲۰۰۳, ٢٠٠٣ and 2003 match.
        **{chr(0x06F0 + n): str(n) for n in range(10)},
        **{chr(0x0660 + n): str(n) for n in range(10)},
        # Harakat and other marks above and below letters, superscript alef, and the tatweel that
        # only stretches a word: optional in writing, so never part of what is searched.
        **dict.fromkeys(range(0x064B, 0x0660)),
        "\u0670": None,
        "\u0640": None,
        # Invisible formatting: joiners, direction marks and embeddings, byte order mark, soft
        # hyphen. They hide inside words copied from word processors and split them.
        **dict.fromkeys(["\u00ad", "\u061c", "\u200d", "\u200e", "\u200f", "\u2060", "\ufeff"]),
        **dict.fromkeys(range(0x202A, 0x202F)),
        **dict.fromkeys(range(0x2066, 0x206A)),
        # The zero-width space is a half-space typed with the wrong key (or a hidden break in a
        # Latin word): treated as one.
        "\u200b": ZWNJ,
    }
)
# Ligatures and positional forms (ﻙ, ﻻ, ﷲ), which text copied from PDFs is full of. Only these
# are decomposed: full compatibility normalisation would also turn Latin ™ and ² into letters
# and digits that run into the word before them.
_PRESENTATION_FORMS = re.compile(r"[\ufb50-\ufdff\ufe70-\ufefe]+")
# Both databases already split words at a half-space, so it becomes a space in indexed text
# and in queries alike: می‌خواهند and می خواهند match each other, and a search for کتاب finds
# کتاب‌ها. Indexed text also keeps each half-spaced word written solid (see index_text), so a
# query typed without the half-space (میخواهند) finds it too. Text written solid is found only
# by a query written solid: no rule on characters can tell where a solid word would split.
_HALF_SPACE = str.maketrans({ZWNJ: " "})
_HALF_SPACED_WORD = re.compile(rf"\w+(?:{ZWNJ}+\w+)+")


def _letters(text):
    text = unicodedata.normalize("NFC", text)
    text = _PRESENTATION_FORMS.sub(lambda match: unicodedata.normalize("NFKC", match[0]), text)
    return text.translate(_LETTERS)


def normalise(text):
    """text in the one spelling the search index uses for Persian (Latin text is left as it is)."""
    return _letters(text).translate(_HALF_SPACE)


def index_text(text):
    """normalise(text), followed by its half-spaced words written solid (می‌خواهند: میخواهند)."""
    text = _letters(text)
    solid = [word.replace(ZWNJ, "") for word in _HALF_SPACED_WORD.findall(text)]
    return " ".join([text.translate(_HALF_SPACE), *solid])


def normalise_query(query):
    """A search query, as a string or as modelsearch's query objects, with its text normalised.

    A query that would normalise to nothing (only marks or half-spaces) stays as it was: the
    backends cannot compile an empty query, and it matches nothing either way.
    """
    if isinstance(query, str):
        text = normalise(query)
        return text if text.strip() else query
    if isinstance(query, (PlainText, Phrase, Fuzzy)):
        text = normalise(query.query_string)
        if not text.strip():
            return query
        normalised = copy.copy(query)
        normalised.query_string = text
        return normalised
    if isinstance(query, (And, Or)):
        return type(query)([normalise_query(subquery) for subquery in query.subqueries])
    if isinstance(query, (Not, Boost)):
        normalised = copy.copy(query)
        normalised.subquery = normalise_query(query.subquery)
        return normalised
    return query


# The search backend: modelsearch's database backends for PostgreSQL and SQLite, indexing
# index_text() of every value and searching normalise_query() of every query. Each is imported
# only when the database is its own: modelsearch defines SQLite's full-text table only there.
_PERSIAN_BACKENDS = {
    "modelsearch.backends.database.postgres.postgres.PostgresSearchBackend",
    "modelsearch.backends.database.sqlite.sqlite.SQLiteSearchBackend",
}


def SearchBackend(params):
    """The backend modelsearch chooses for the default database, normalising Persian where that
    is PostgreSQL or SQLite with FTS5 (modelsearch's fallback for other databases is left as is).
    """
    backend = database.SearchBackend(params)
    chosen = type(backend)
    if f"{chosen.__module__}.{chosen.__qualname__}" in _PERSIAN_BACKENDS:
        return _persian(chosen)(params)
    return backend


class _NormalisingIndexer:
    def prepare_value(self, value):
        return index_text(super().prepare_value(value))


class _NormalisingBackend:
    def search(self, query, *args, **kwargs):
        return super().search(normalise_query(query), *args, **kwargs)

    def autocomplete(self, query, *args, **kwargs):
        return super().autocomplete(normalise_query(query), *args, **kwargs)


# PostgreSQL ranks every index entry a query matches before it can take the best few, and a
# common word matches thousands: with benchmarks/dataset.py's 100x archive, "family" matched
# 25,000 developments and 4,500 pages of English, and the search page spent 115 ms in SQL, 68
# of them in the developments' query. No index of stock PostgreSQL returns entries in rank
# order, so a sliced search ranks at most this many candidates (see _RankingCandidates), found
# through GIN indexes without reading the other matches. Measured there (median of renders in
# process, two cores shared with other work), the search page's SQL in ms before and with
# them: "family" 115 / 28, "خانواده" 142 / 24, "mirror" 31 / 12, "family visits" 96 / 21; with
# 100 candidates, some 4 ms less.
CANDIDATES = 200
# modelsearch's weights for this project's boosts (tests/test_search.py pins them): A for 10
# (document and image titles), B for 2 (page and appeal titles, development headlines), and C
# and D, worth a twenty-first of B, for everything else. So an entry matching a word in A or B
# ranks above every entry matching it only in C or D (for a query of several words, nearly
# always). base/migrations/0002 indexes the entries' words of these weights by StrongWords.
STRONG_WEIGHTS = "{a,b}"


class StrongWords(Func):
    """An index entry's words of the weights that outrank all others: its title and the
    boosted fields in its body."""

    def as_sql(self, compiler, connection, **extra_context):
        (title, title_params), (body, body_params) = (
            compiler.compile(expression) for expression in self.source_expressions
        )
        return f"({title} || ts_filter({body}, '{STRONG_WEIGHTS}'))", [*title_params, *body_params]


class _RankingCandidates:
    """modelsearch's PostgreSQL query compiler, ranking a sliced search among candidates only.

    The candidates are the entries of the searched objects that match the query in their strong
    words (titles, headlines), the first CANDIDATES that the GIN index of these finds; and only
    when these are fewer than the slice reaches, as many that match it anywhere. A match in the
    strong words ranks above any match elsewhere, so while a query matches at most CANDIDATES
    entries there, the results and their order are those of ranking every match; beyond that,
    they are the best-ranked of the first CANDIDATES in the order the entries are stored (about
    the order they were first indexed, oldest first). A slice past CANDIDATES ranks every match,
    after the candidates, and a count counts every match.
    """

    def search(self, config, start, stop, score_field=None, backend=None):
        unranked = (MatchAll, Fuzzy)
        if (
            stop is None
            or not self.order_by_relevance
            or self.fields is not None
            or isinstance(self.query, unranked)
            or (isinstance(self.query, Not) and isinstance(self.query.subquery, unranked))
        ):
            return super().search(config, start, stop, score_field, backend)
        candidate = _Among(F("index_entries__id"), self._candidates(config, stop))
        if stop <= CANDIDATES:
            # Every candidate matches the query (it was found by it): ranked as modelsearch
            # ranks, without matching each candidate's whole vector against the query again
            # (for "family" at 100x, 1.3 of the 9 ms of the pages' query, 0.4 of the
            # developments').
            vectors = self.get_search_vectors(self.build_tsquery(self.query, config=config))
            return self._apply_ordering_and_scoring(
                self.queryset.filter(candidate),
                self._build_rank_expression(vectors, config),
                start,
                stop,
                score_field,
            )
        # Deeper than the candidates reach (the admin's search, paged without end): every match
        # ranked, after the candidates, so that no result is shown twice or never.
        ranked = copy.copy(self)
        ranked.first = candidate
        return super(_RankingCandidates, ranked).search(config, start, stop, score_field, backend)

    def _apply_ordering_and_scoring(self, queryset, rank_expression, start, stop, score_field=None):
        first = getattr(self, "first", None)
        if first is None:
            return super()._apply_ordering_and_scoring(
                queryset, rank_expression, start, stop, score_field
            )
        ordered = super()._apply_ordering_and_scoring(
            queryset, rank_expression, None, None, score_field
        )
        return ordered.order_by(first.desc(), *ordered.query.order_by)[start:stop]

    def _candidates(self, config, stop):
        """The ids of the entries to rank: those of the searched objects that match in their
        strong words, and only when these are too few, those that match anywhere. An array
        PostgreSQL builds once per search."""
        # Only the PostgreSQL backend builds this compiler: its module is there to import.
        from django.contrib.postgres.search import SearchVectorField

        search_query = self.build_tsquery(self.query, config=config)
        # The queryset's own filters (language, live, public) apply to the candidates: a word
        # of both languages (a year) would otherwise fill them with the other's.
        searched = self.queryset.order_by()
        title, body = F("index_entries__title"), F("index_entries__body")
        strong = (
            searched.annotate(_strong_=StrongWords(title, body, output_field=SearchVectorField()))
            .filter(_strong_=search_query)
            .values("index_entries__id")[:CANDIDATES]
        )
        anywhere = (
            searched.annotate(_vector_=title._combine(body, "||", False))
            .filter(_vector_=search_query)
            .values("index_entries__id")[:CANDIDATES]
        )
        return _Candidates(Subquery(strong), Subquery(anywhere), Value(stop))


class _Candidates(Func):
    """The strong matches' ids, and those of the matches anywhere only when the strong ones
    are fewer than the limit: PostgreSQL runs a CASE's subquery only when its branch is taken.
    (Asked with a LIMIT of its own whether there are enough, PostgreSQL reads the table from
    its start: every page's entry before the first development's.)"""

    def as_sql(self, compiler, connection, **extra_context):
        (strong, strong_params), (anywhere, anywhere_params), (limit, limit_params) = (
            compiler.compile(expression) for expression in self.source_expressions
        )
        # OFFSET 0 keeps PostgreSQL from copying the strong subquery into each use of it.
        sql = (
            f"(SELECT CASE WHEN cardinality(strong) >= {limit} THEN strong"  # noqa: S608 (SQL Django compiled, values as parameters)
            f" ELSE strong || ARRAY{anywhere} END"
            f" FROM (SELECT ARRAY{strong} AS strong OFFSET 0) AS candidates)"
        )
        return sql, [*limit_params, *anywhere_params, *strong_params]


class _Among(Func):
    """value = ANY(array from a subquery): PostgreSQL computes the array once, where it may run
    an IN (subquery) again for every row it joins."""

    output_field = BooleanField()

    def as_sql(self, compiler, connection, **extra_context):
        (value, value_params), (array, array_params) = (
            compiler.compile(expression) for expression in self.source_expressions
        )
        array_type = self.source_expressions[0].output_field.db_type(connection)
        return f"{value} = ANY({array}::{array_type}[])", [*value_params, *array_params]


@functools.cache
def _persian(backend_class):
    """backend_class, with its index building a normalising subclass of its module's indexer,
    and on PostgreSQL, its sliced searches ranking only candidates (see _RankingCandidates)."""
    module = sys.modules[backend_class.__module__]

    class Indexer(_NormalisingIndexer, module.ObjectIndexer):
        pass

    class Index(_TitleNorms, backend_class.index_class):
        indexer_class = Indexer  # for benchmarks/dataset.py's bulk indexing
        add_items = _norming(
            _building(Indexer, backend_class.index_class.add_items), module.get_content_type_pk
        )

    class Backend(_NormalisingBackend, backend_class):
        index_class = Index

    if hasattr(module, "PostgresSearchQueryCompiler"):

        class QueryCompiler(_RankingCandidates, backend_class.query_compiler_class):
            pass

        Backend.query_compiler_class = QueryCompiler
    return Backend


# modelsearch ranks a title match by title_norm, the average length of the index's titles over
# this title's length, and after indexing any object worked the average out again over the whole
# index and rewrote every row it had not normed (no index finds them): with the 100x archive's
# 200,000 entries, 290 ms of the 450 a publish took, twice a publish, on the cores that serve
# readers. Here the average is kept for an hour in the cache, and only the rows just written are
# normed; `manage.py update_index` still works every row out afresh, as modelsearch does.
TITLE_AVERAGE_SECONDS = 3600


class _TitleNorms:
    def _refresh_title_norms(self, full=False):
        if full:
            super()._refresh_title_norms(full=True)
            cache.delete(self._title_average_key())
        # Otherwise, add_items (_norming) norms the rows it wrote.

    def norm_new_titles(self):
        """Every row not normed yet (title_norm is 1.0 as written), with the average now: as
        modelsearch's own refresh after indexing, for what indexes in bulk
        (benchmarks/dataset.py). A full refresh would rewrite every row each time."""
        cache.delete(self._title_average_key())
        self.norm_titles(self.entries)

    def norm_titles(self, entries):
        """Norms those of entries not normed yet, with the average kept."""
        average = self.title_average()
        if average:
            _titled(entries.filter(title_norm=1.0)).update(title_norm=average / F("title_length"))

    def _title_average_key(self):
        return f"search:title-average:{self.write_connection.alias}"

    def title_average(self):
        key = self._title_average_key()
        average = cache.get(key)
        if average is None:
            # 0 while no entry has a title (snippets' headlines are not titles here).
            average = _titled(self.entries).aggregate(Avg("title_length"))["title_length__avg"] or 0
            cache.set(key, average, TITLE_AVERAGE_SECONDS)
        return average


def _titled(entries):
    """The entries with a title, annotated with its length (title_length)."""
    return entries.annotate(title_length=Length("title")).filter(title_length__gt=0)


def _norming(add_items, content_type_pk):
    """add_items, then the title norms of the rows it wrote (_TitleNorms)."""

    def add(self, model, objs):
        objs = list(objs)
        add_items(self, model, objs)
        if objs:
            ids = [force_str(obj.pk) for obj in objs]
            self.norm_titles(
                self.entries.filter(content_type_id=content_type_pk(model), object_id__in=ids)
            )

    return add


def _building(indexer_class, add_items):
    """modelsearch's add_items, building indexer_class where it builds its own ObjectIndexer.

    modelsearch offers no setting for the indexer class: add_items names its module's
    ObjectIndexer. This runs the same code with that one name bound to indexer_class, rather
    than a copy of add_items that would drift from the SQL modelsearch writes.
    """
    if "ObjectIndexer" not in _global_names(add_items.__code__):
        raise ImproperlyConfigured(
            f"{add_items.__module__}.{add_items.__qualname__} no longer builds an ObjectIndexer:"
            " check base.search against this version of modelsearch."
        )
    names = {**add_items.__globals__, "ObjectIndexer": indexer_class}
    return types.FunctionType(
        add_items.__code__, names, add_items.__name__, add_items.__defaults__, add_items.__closure__
    )


def _global_names(code):
    """The names code looks up, with those of the comprehensions inside it."""
    nested = (const for const in code.co_consts if isinstance(const, types.CodeType))
    return set(code.co_names).union(*(_global_names(inner) for inner in nested))
