"""Hand-written faster changes to real PyPI packages (see test_pypi_packages.py), as a person
optimizing them would write: each keeps every output the same, on every input, and is faster on
the calls the package's own test suite makes."""

# numpy-financial 1.0.0, `fv`: scalars (floats, or Decimals) skip the 0-d arrays, which cost far
# more than the arithmetic; arrays take the original path.
FV_OLD = """    when = _convert_when(when)
    (rate, nper, pmt, pv, when) = map(np.asarray, [rate, nper, pmt, pv, when])
    temp = (1+rate)**nper
"""
FV_NEW = (
    """    kinds = {type(nper), type(pmt), type(pv)}
    scalars = kinds <= {int, float, Decimal} and type(when) in (str, int, Decimal)
    if scalars and type(rate) is float and Decimal not in kinds:
        rate, when = np.float64(rate), _when_to_num[when]
        temp = (1 + rate)**nper
        if rate == 0:
            fact = np.float64(nper)
        else:
            fact = (1 + rate*when)*(temp - 1)/rate
        return -(pv*temp + pmt*fact)
    if scalars and type(rate) is Decimal and float not in kinds:
        when = _when_to_num[when]
        temp = (1 + rate)**nper
        fact = (1 + rate*when)*(temp - 1)/rate  # raises where the original does
        if rate == 0:
            fact = nper
        return -(pv*temp + pmt*fact)
"""
    + FV_OLD
)

# python-slugify 9.2.0, the legacy `slugify`: each regular-expression pass is skipped where it
# cannot change the text (no quote, no '&', no comma, no double dash; ASCII is its own NFKC and
# NFKD and transliterates to itself).
SLUGIFY_OLD = """    text = QUOTE_PATTERN.sub(DEFAULT_SEPARATOR, text)
    if allow_unicode:
        text = unicodedata.normalize('NFKC', text)
    else:
        text = _transliterate(unicodedata.normalize('NFKD', text), backend)
    text = _decode_entities(text, entities, decimal, hexadecimal)
    text = unicodedata.normalize('NFKC' if allow_unicode else 'NFKD', text)
    if lowercase:
        text = text.lower()
    text = QUOTE_PATTERN.sub('', text)
    text = NUMBERS_PATTERN.sub('', text)
    pattern = regex_pattern or (DISALLOWED_UNICODE_CHARS_PATTERN if allow_unicode else DISALLOWED_CHARS_PATTERN)
    text = re.sub(pattern, DEFAULT_SEPARATOR, text)
    text = DUPLICATE_DASH_PATTERN.sub(DEFAULT_SEPARATOR, text).strip(DEFAULT_SEPARATOR)
"""
SLUGIFY_NEW = """    if "'" in text:
        text = QUOTE_PATTERN.sub(DEFAULT_SEPARATOR, text)
    if not text.isascii():
        if allow_unicode:
            text = unicodedata.normalize('NFKC', text)
        else:
            text = _transliterate(unicodedata.normalize('NFKD', text), backend)
    if '&' in text:
        text = _decode_entities(text, entities, decimal, hexadecimal)
    if not text.isascii():
        text = unicodedata.normalize('NFKC' if allow_unicode else 'NFKD', text)
    if lowercase:
        text = text.lower()
    if "'" in text:
        text = QUOTE_PATTERN.sub('', text)
    if ',' in text:
        text = NUMBERS_PATTERN.sub('', text)
    if regex_pattern:
        text = re.sub(regex_pattern, DEFAULT_SEPARATOR, text)
    elif allow_unicode:
        text = DISALLOWED_UNICODE_CHARS_PATTERN.sub(DEFAULT_SEPARATOR, text)
    else:
        text = DISALLOWED_CHARS_PATTERN.sub(DEFAULT_SEPARATOR, text)
    if '--' in text:
        text = DUPLICATE_DASH_PATTERN.sub(DEFAULT_SEPARATOR, text)
    text = text.strip(DEFAULT_SEPARATOR)
"""

# nameparser 2.6.0, `_normset`: a set of entries needs no string, buffer or mapping checks; the
# per-entry fold is `_normalize` inlined, with its strip-to-a-fixed-point loop as one strip of
# both character sets; the interior-whitespace test is one regular-expression search.
NORMSET_START = "    # Reject a bare str before iterating"
NORMSET_END = "    return frozenset(normalized)\n"
NORMSET_NEW = """    if type(entries) is frozenset or type(entries) is set:
        items = tuple(entries)  # no string, buffer or mapping: nothing to check
    else:
        items = _checked_entries(entries, field_name)
    phrase = field_name in _PHRASE_FIELDS
    check_dead = warn and not phrase
    normalized = set()
    for w in items:
        if type(w) is not str and not isinstance(w, str):
            raise TypeError(
                f"Lexicon.{field_name} entries must be strings, got {w!r}"
            )
        if phrase:
            n = _title_key(w.split())
        else:  # _normalize, inlined: this loop runs over whole vocabularies
            n = w.lower()
            if not n.isascii():
                n = unicodedata.normalize("NFC", n)
            n = n.strip(_EDGE_CHARS)
        if not n:
            raise ValueError(
                f"Lexicon.{field_name} entry {w!r} normalizes to empty "
                f"(lowercase + strip full stops/whitespace leaves nothing)"
            )
        if check_dead and _has_whitespace(n):
            _warn_dead_entry(
                f"Lexicon.{field_name} entries are matched one word at "
                f"a time; multi-word entry {w!r} can never match. "
                f"Split it into separate entries")
        normalized.add(n)
    return frozenset(normalized)


# Every character str.strip() removes (str.isspace()), and the full stops: stripping both at
# once is the fixed point _normalize reaches by stripping them in turn.
_EDGE_CHARS = "".join(c for c in map(chr, range(0x3001)) if c.isspace()) + FULL_STOPS
_has_whitespace = re.compile(r"\\s").search  # \\s is str.isspace() for str patterns


def _checked_entries(entries, field_name):
"""
NORMSET_CHECKS_END = "        ) from None\n"


def faster_fv(text: str) -> str:
    return _once(text, FV_OLD, FV_NEW)


def faster_slugify(text: str) -> str:
    return _once(text, SLUGIFY_OLD, SLUGIFY_NEW)


def faster_normset(text: str) -> str:
    """The body of `_normset` becomes the new one; its argument checks move to a helper."""
    start = text.index(NORMSET_START)
    checks_end = text.index(NORMSET_CHECKS_END, start) + len(NORMSET_CHECKS_END)
    end = text.index(NORMSET_END, start) + len(NORMSET_END)
    checks = text[start:checks_end] + "    return items\n"
    text = text[:start] + NORMSET_NEW + checks + text[end:]
    return _once(
        text, "import sys\nimport unicodedata\n", "import re\nimport sys\nimport unicodedata\n"
    )


def _once(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"not found once: {old[:60]!r}"
    return text.replace(old, new)
