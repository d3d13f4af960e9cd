"""Text from a Scoop database, as its readers saw it.

Scoop's tables are latin1, but browsers sent (and Scoop stored) Windows-1252 bytes: curly
quotes and dashes are bytes 0x91-0x97. Its "auto" posting mode wrote non-ASCII characters as
numeric references holding the cp1252 byte value (`&#146;` is a right quote, as HTML itself
reads it), and some comments hold UTF-8 bytes read as latin1 ("ZÃ¼rich"). `decode_scoop_text`
undoes all three; what comes out is still the stored HTML, which the importer sanitizes like
any new comment.
"""

import codecs
import re

import ftfy


def _as_latin1(error: UnicodeError) -> tuple[str, int]:
    """Bytes cp1252 leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D) read as latin1 would."""
    assert isinstance(error, UnicodeDecodeError)
    return error.object[error.start : error.end].decode("latin-1"), error.end


codecs.register_error("ladle_latin1", _as_latin1)

_PLAIN_ASCII = re.compile(r"[\t\n\r\x20-\x7e]*\Z")
_REFERENCE = re.compile(r"&#(?:(\d{1,7})|[xX]([0-9A-Fa-f]{1,6}));")


def _character(match: re.Match) -> str:
    """A numeric reference to a non-ASCII character, as a browser reads it. ASCII references
    (`&#60;`, `java&#115;cript`) stay references: they may be markup, for the sanitizer."""
    number = int(match.group(1)) if match.group(1) else int(match.group(2), 16)
    if 128 <= number <= 159:  # HTML reads these as the cp1252 bytes they were
        return bytes([number]).decode("cp1252", errors="ladle_latin1")
    if number < 160 or number > 0x10FFFF or 0xD800 <= number <= 0xDFFF:
        return match.group(0)
    return chr(number)


def decode_scoop_text(raw: bytes) -> str:
    """A latin1 column's bytes as the text its readers saw, mojibake repaired where the
    repair is unambiguous (ftfy decides that)."""
    text = raw.decode("cp1252", errors="ladle_latin1")
    if "&#" in text:
        text = _REFERENCE.sub(_character, text)
    if _PLAIN_ASCII.match(text):
        return text  # nothing ftfy could repair (most comments: it is the slow step)
    return ftfy.fix_text(
        text,
        unescape_html=False,
        fix_line_breaks=False,
        uncurl_quotes=False,
        normalization=None,
    )
