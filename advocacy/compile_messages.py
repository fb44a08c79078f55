"""Compiles the interface translations (locale/<language>/LC_MESSAGES/django.po) into the .mo
files Django reads, with polib: `make run`, `make test` and `make serve` need no GNU gettext.

    python -m advocacy.compile_messages [file.po ...]    (all of locale/ by default)
"""

import sys
from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parent.parent / "locale"


def compile_messages(paths=()):
    for po in map(Path, paths or sorted(LOCALE.glob("*/LC_MESSAGES/*.po"))):
        catalogue = polib.pofile(str(po))
        if any("fuzzy" in entry.flags for entry in catalogue):
            raise SystemExit(f"{po} has fuzzy translations: check them and remove the flag.")
        catalogue.save_as_mofile(str(po.with_suffix(".mo")))
        print(f"{po.with_suffix('.mo')}: {len(catalogue.translated_entries())} translations")


if __name__ == "__main__":
    compile_messages(sys.argv[1:])
