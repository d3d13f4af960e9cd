"""When two names read alike (docs/rules.md, *Members*): "Émile" and "éMILE", "Alice" written
with a Cyrillic "а", "ﬁsh" and "fish" are one name to a reader, so they are one key here.

The key is the name in Unicode compatibility form (NFKC: "ﬁ" is "fi"), case-folded (Unicode's
own folding, not the database's, so both databases agree on every script), with each
character that Unicode lists as confusable with a Latin one replaced by that Latin letter.
"""

import unicodedata
from functools import lru_cache

from confusable_homoglyphs import confusables


@lru_cache(maxsize=4096)
def _prototype(char: str) -> str:
    if char.isascii():
        return char
    found = confusables.is_confusable(char, preferred_aliases=["latin"], greedy=True)
    if found:
        for homoglyph in found[0]["homoglyphs"]:
            if homoglyph["c"].isascii():
                return homoglyph["c"].casefold()
    return char


def name_key(name: str) -> str:
    """The key two names share when they read alike."""
    folded = unicodedata.normalize("NFKC", name).casefold()
    return unicodedata.normalize("NFKC", "".join(map(_prototype, folded))).casefold()
