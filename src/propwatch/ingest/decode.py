"""Bytes to text without garbling, with a note on how each input was decoded.

1. A byte order mark names the encoding (UTF-8, UTF-16, UTF-32).
2. UTF-16 without a mark is recognised by its pattern: NUL bytes on one side of the byte
   pairs only (every ASCII character has a zero high byte).
3. UTF-8 is decoded strictly.  When some bytes are invalid but the rest is clearly UTF-8
   (valid multi-byte sequences), only the invalid bytes are replaced (by U+FFFD) and the
   note says how many and where the first was; the rest of the file is untouched.
4. Otherwise (no UTF-8 evidence) a legacy encoding is chosen on evidence by
   charset-normalizer; among equally good candidates the most common encoding wins
   (windows-1252 before its look-alikes), and the note names it.

Binary data (NUL bytes in no UTF-16 pattern, or many control bytes) is refused.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

import charset_normalizer

from propwatch.errors import InputError

SAMPLE = 8192
DETECTOR_BYTES, DETECTOR_CHUNKS = 256 * 1024, 32
# Detector scores this close count as equally good (chaos is the sharper of the two).
CHAOS_TIE, COHERENCE_TIE = 0.01, 0.05
# Bytes that never appear in text files (C0 controls other than tab, newline, form feed, CR).
_CONTROL = set(range(0, 9)) | {11} | set(range(14, 27)) | set(range(28, 32))
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Among legacy candidates that explain the bytes equally well, the more common one wins.
PREFERRED = (
    "cp1252", "cp1250", "cp1251", "koi8_r", "iso8859_15", "iso8859_2", "cp1253", "cp1254",
    "cp1257", "cp1256", "cp1255", "gb18030", "big5", "shift_jis", "euc_kr", "euc_jp",
)
NAMES = {"cp1252": "windows-1252", "cp1250": "windows-1250", "cp1251": "windows-1251",
         "cp1253": "windows-1253", "cp1254": "windows-1254", "cp1255": "windows-1255",
         "cp1256": "windows-1256", "cp1257": "windows-1257", "koi8_r": "koi8-r"}


@dataclass(frozen=True)
class Decoded:
    text: str
    note: str  # how the bytes were decoded, for the record: "utf-8", "windows-1252 (...)"


def decode(data: bytes, where: str) -> Decoded:
    """Decode ``data`` read from ``where`` or raise InputError saying why it is not text."""
    if not data.strip():
        raise InputError(where, "file is empty", kind="empty")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _with_repairs(data[len(bom):], encoding, where, "byte order mark")
    if b"\x00" in data[:SAMPLE]:
        utf16 = utf16_without_bom(data[:SAMPLE])
        if utf16 is None:
            raise InputError(where, "file is binary, not text (it contains NUL bytes)",
                             kind="binary")
        return _with_repairs(data, utf16, where, "no byte order mark; recognised by its "
                             "NUL-byte pattern")
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError as exc:
        first = exc.start
    text = data.decode("utf-8", "replace")
    marks = text.count("\ufffd")
    invalid = marks - data.count("\ufffd".encode())
    valid_multibyte = len(text) - len(text.encode("ascii", "ignore")) - marks
    if valid_multibyte and invalid <= valid_multibyte * 10:
        return _checked(Decoded(text, f"utf-8 ({_repairs(invalid, first)})"), where)
    return _legacy(data, where, invalid)


def _with_repairs(data: bytes, encoding: str, where: str, why: str) -> Decoded:
    """Decode strictly; if some bytes are invalid, replace only those and say so."""
    try:
        text = data.decode(encoding)
        return _checked(Decoded(text, f"{encoding} ({why})" if why else encoding), where)
    except UnicodeDecodeError as exc:
        first = exc.start
    text = data.decode(encoding, "replace")
    bad = text.count("\ufffd") - data.decode(encoding, "ignore").count("\ufffd")
    detail = _repairs(bad, first)
    return _checked(Decoded(text, f"{encoding} ({why + '; ' if why else ''}{detail})"), where)


def _repairs(count: int, first: int) -> str:
    return (f"{count} invalid byte sequence{'s' if count != 1 else ''} replaced by U+FFFD, "
            f"the first at byte {first}")


def utf16_without_bom(sample: bytes) -> str | None:
    """'utf-16-le' or 'utf-16-be' when ``sample`` is UTF-16 text without a byte order mark:
    NULs sit on one side of the byte pairs only, and decoded it reads as prose."""
    encoding = _utf16_pattern(sample)
    if encoding is None or not _prose(sample.decode(encoding, "replace")):
        return None
    return encoding


def utf16_with_bom(sample: bytes) -> bool:
    """A UTF-16 byte order mark followed by UTF-16 text (NULs on one side of the byte
    pairs), not a stray BOM-like pair of bytes in front of UTF-8 lines."""
    return sample[:2] in (b"\xff\xfe", b"\xfe\xff") and (
        len(sample) <= 2 or _utf16_pattern(sample[2:]) is not None
    )


def _utf16_pattern(sample: bytes) -> str | None:
    sample = sample[: len(sample) // 2 * 2]
    pairs = max(len(sample) // 2, 1)
    even, odd = sample[0::2].count(0) / pairs, sample[1::2].count(0) / pairs
    if odd >= 0.1 and even <= 0.01:
        return "utf-16-le"
    if even >= 0.1 and odd <= 0.01:
        return "utf-16-be"
    return None


def _prose(sample: str) -> bool:
    """Looks like written text: spaces between words, few symbols or replacements."""
    spaces = sum(ch in " \n\t" for ch in sample)
    odd = sum(not (ch.isalnum() or ch.isspace() or ch in ".,;:!?'\"()-") for ch in sample)
    return spaces >= max(1, len(sample) // 50) and odd <= len(sample) // 5


def _legacy(data: bytes, where: str, invalid: int) -> Decoded:
    results = list(charset_normalizer.from_bytes(_detector_sample(data)))
    if not results:
        raise InputError(where, "file is binary or in an unknown encoding", kind="binary")
    least_chaos = min(r.chaos for r in results)
    calm = [r for r in results if r.chaos <= least_chaos + CHAOS_TIE]
    most_coherent = max(r.coherence for r in calm)
    best = [r for r in calm if r.coherence >= most_coherent - COHERENCE_TIE]
    ranked = sorted((_rank(encoding), encoding, match) for match in best
                    for encoding in [match.encoding, *match.could_be_from_charset])
    _, encoding, _ = ranked[0]
    evidence = "detected" if most_coherent > 0 else "guessed: too little text to be sure"
    note = f"{_name(encoding)} (not UTF-8: {invalid} invalid byte sequences; {evidence})"
    return _checked(Decoded(data.decode(encoding, "replace"), note), where)


def _detector_sample(data: bytes) -> bytes:
    """What the detector sees: all of a small input; of a large one, ``DETECTOR_CHUNKS``
    pieces spread over it, cut at line ends (an ASCII byte in every legacy encoding), so
    the detector's cost stays bounded however large the file."""
    if len(data) <= DETECTOR_BYTES:
        return data
    step, size = len(data) // DETECTOR_CHUNKS, DETECTOR_BYTES // DETECTOR_CHUNKS
    chunks = []
    for start in range(0, len(data), step):
        begin = data.find(b"\n", start, start + size)
        begin = start if begin < 0 else begin + 1
        end = data.rfind(b"\n", begin, begin + size)
        chunks.append(data[begin : end + 1 if end > begin else begin + size])
    return b"".join(chunks[:DETECTOR_CHUNKS])


def _name(encoding: str) -> str:
    return NAMES.get(encoding) or encoding.replace("iso8859_", "iso-8859-").replace("_", "-")


def _rank(encoding: str) -> int:
    return PREFERRED.index(encoding) if encoding in PREFERRED else len(PREFERRED)


def _checked(decoded: Decoded, where: str) -> Decoded:
    sample = decoded.text[:SAMPLE].encode("utf-8", "replace")
    if sum(b in _CONTROL for b in sample) > len(sample) * 0.01:
        raise InputError(where, "file is binary, not text (control bytes)", kind="binary")
    return decoded
