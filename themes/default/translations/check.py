#!/usr/bin/env python3
"""Checks the default theme's translation tables against en.toml.

Usage: python3 check.py [DIR]   (DIR defaults to this script's directory)

Exits 1, listing every problem, when a language file
  - is not valid TOML, or lacks one of the five files;
  - lacks a key en.toml has, or has a key en.toml lacks;
  - has a plural table whose categories are not exactly `one` and `other`,
    or a plural table where English has a plain string (or the reverse);
  - uses a placeholder set for a key (per plural category) that differs
    from English, or has a stray `{` / `}` that is not a placeholder;
  - has an empty string, or a value that is neither a string, a plural
    table nor (for date.months) an array of strings;
  - has `date.months` with other than 12 entries;
and also when French lacks its non-breaking spaces (before : ; ? ! and
inside « »), or KEYS.md does not document exactly the keys of en.toml.

Needs Python 3.11+ (tomllib). No other dependencies.
"""

import re
import sys
import tomllib
from pathlib import Path

LANGUAGES = ["en", "fr", "de", "es", "nl"]
REFERENCE = "en"
# Every CLDR plural category; a table using any of them is a plural table.
CLDR_CATEGORIES = {"zero", "one", "two", "few", "many", "other"}
# The categories all five languages use (French puts 0 in `one`).
ALLOWED_CATEGORIES = {"one", "other"}
ARRAY_KEYS = {"date.months": 12}

PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]*)\}")
NBSP, NNBSP = "\u00a0", "\u202f"


def is_plural_table(value):
    return isinstance(value, dict) and bool(set(value) & CLDR_CATEGORIES)


def flatten(table, prefix=""):
    """Dotted key -> value; plural tables and arrays are leaves."""
    out = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and not is_plural_table(value):
            out.update(flatten(value, name + "."))
        else:
            out[name] = value
    return out


def placeholders(text):
    return set(PLACEHOLDER.findall(text))


def stray_braces(text):
    return "{" in PLACEHOLDER.sub("", text) or "}" in PLACEHOLDER.sub("", text)


def strings_of(value):
    """(label, string) pairs of a leaf value: '' for a plain string, the
    category for a plural table, the index for an array."""
    if isinstance(value, str):
        return [("", value)]
    if isinstance(value, dict):
        return [(cat, v) for cat, v in value.items()]
    if isinstance(value, list):
        return [(f"[{i}]", v) for i, v in enumerate(value)]
    return []


def check_values(lang, flat, problems):
    for key, value in flat.items():
        where = f"{lang}.toml: {key}"
        if key in ARRAY_KEYS:
            want = ARRAY_KEYS[key]
            if not isinstance(value, list):
                problems.append(f"{where} should be an array of {want} strings")
                continue
            if len(value) != want:
                problems.append(f"{where} has {len(value)} entries, not {want}")
        elif isinstance(value, list):
            problems.append(f"{where} is an array; only {', '.join(ARRAY_KEYS)} may be")
            continue
        elif isinstance(value, dict):
            cats = set(value)
            if cats != ALLOWED_CATEGORIES:
                problems.append(
                    f"{where} has plural categories {sorted(cats)}; "
                    f"expected exactly {sorted(ALLOWED_CATEGORIES)}"
                )
        elif not isinstance(value, str):
            problems.append(f"{where} is a {type(value).__name__}, not a string")
            continue
        for label, text in strings_of(value):
            at = f"{where}{'.' + label if label and not label.startswith('[') else label}"
            if not isinstance(text, str):
                problems.append(f"{at} is a {type(text).__name__}, not a string")
            elif not text.strip():
                problems.append(f"{at} is empty")
            elif stray_braces(text):
                problems.append(f"{at} has a brace that is not a {{placeholder}}: {text!r}")


def compare(lang, flat, ref, problems):
    for key in sorted(set(ref) - set(flat)):
        problems.append(f"{lang}.toml lacks key {key}")
    for key in sorted(set(flat) - set(ref)):
        problems.append(f"{lang}.toml has key {key}, which en.toml does not")
    for key in sorted(set(flat) & set(ref)):
        mine, theirs = flat[key], ref[key]
        where = f"{lang}.toml: {key}"
        if isinstance(theirs, dict) != isinstance(mine, dict):
            kind = "a plural table" if isinstance(theirs, dict) else "a plain string"
            problems.append(f"{where} should be {kind}, as in en.toml")
            continue
        if isinstance(theirs, list) or isinstance(mine, list):
            continue
        if isinstance(theirs, dict):
            pairs = [(cat, mine.get(cat), theirs.get(cat)) for cat in sorted(set(mine) & set(theirs))]
        else:
            pairs = [("", mine, theirs)]
        for cat, m, t in pairs:
            if not (isinstance(m, str) and isinstance(t, str)):
                continue
            pm, pt = placeholders(m), placeholders(t)
            if pm != pt:
                at = f"{where}.{cat}" if cat else where
                problems.append(
                    f"{at} has placeholders {{{', '.join(sorted(pm))}}}; "
                    f"en.toml has {{{', '.join(sorted(pt))}}}"
                )


def check_french_spacing(flat, problems):
    """French: a non-breaking space before : ; ? ! and inside « »."""
    for key, value in flat.items():
        for label, text in strings_of(value):
            if not isinstance(text, str):
                continue
            at = f"fr.toml: {key}{'.' + label if label and not label.startswith('[') else label}"
            for m in re.finditer(r"[:;?!»]", text):
                before = text[m.start() - 1] if m.start() else ""
                if before not in (NBSP, NNBSP):
                    problems.append(f"{at}: '{m.group()}' needs a non-breaking space before it")
            for m in re.finditer("«", text):
                after = text[m.end()] if m.end() < len(text) else ""
                if after not in (NBSP, NNBSP):
                    problems.append(f"{at}: '«' needs a non-breaking space after it")


def check_keys_md(path, ref, problems):
    if not path.exists():
        problems.append(f"{path.name} is missing")
        return
    documented = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        m = re.match(r"\|\s*`([a-z0-9_.]+)`\s*\|", line)
        if m:
            documented.add(m.group(1))
    for key in sorted(set(ref) - documented):
        problems.append(f"{path.name} does not document {key}")
    for key in sorted(documented - set(ref)):
        problems.append(f"{path.name} documents {key}, which en.toml does not have")


def main(argv):
    here = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parent
    problems = []
    tables = {}
    for lang in LANGUAGES:
        path = here / f"{lang}.toml"
        try:
            with path.open("rb") as f:
                tables[lang] = flatten(tomllib.load(f))
        except FileNotFoundError:
            problems.append(f"{path.name} is missing")
        except tomllib.TOMLDecodeError as e:
            problems.append(f"{path.name} is not valid TOML: {e}")
    for lang, flat in tables.items():
        check_values(lang, flat, problems)
    if REFERENCE in tables:
        ref = tables[REFERENCE]
        for lang, flat in tables.items():
            if lang != REFERENCE:
                compare(lang, flat, ref, problems)
        check_keys_md(here / "KEYS.md", ref, problems)
    if "fr" in tables:
        check_french_spacing(tables["fr"], problems)

    if problems:
        print(f"{len(problems)} problem(s) in {here}:", file=sys.stderr)
        for p in problems:
            print(f"  - {p}", file=sys.stderr)
        return 1
    count = len(tables[REFERENCE])
    print(f"ok: {len(tables)} languages, {count} keys each")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
