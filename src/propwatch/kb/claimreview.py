"""Read schema.org ClaimReview into known claims.

Accepted inputs (by content, not by file name):

- JSON-LD as fact checkers publish it: one ClaimReview object, a list of them, or an object
  with ``@graph``; also an HTML page holding ``<script type="application/ld+json">`` blocks;
- the Google Fact Check Tools API response: ``{"claims": [{"text", "claimant", "claimDate",
  "claimReview": [{"publisher", "url", "title", "reviewDate", "textualRating"}]}]}``;
- JSON Lines holding any of the above, one per line.

A review's ``url`` is the key and the citation link.  A malformed item is yielded as an
InputError naming its line and skipped by the caller.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from propwatch.errors import InputError
from propwatch.ingest import read_text_file
from propwatch.store.kb import KnownClaim

_LD_SCRIPT = re.compile(
    r"<script[^>]*type\s*=\s*[\"']application/ld\+json[\"'][^>]*>(.*?)</script>",
    re.IGNORECASE | re.DOTALL,
)


def read_claimreview(path: Path) -> Iterator[KnownClaim | InputError]:
    text = read_text_file(str(path))
    stripped = text.lstrip()
    if stripped.startswith("<"):
        yield from _from_html(path, text)
        return
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        if "\n" in text.strip() and stripped.startswith("{"):
            yield from _from_jsonl(path, text)
            return
        raise InputError(f"{path}:{exc.lineno}", f"not JSON: {exc.msg}") from exc
    except RecursionError as exc:
        raise InputError(str(path), "JSON nested too deeply to read") from exc
    items, depth = _items(doc)
    lines = _object_lines(text, depth)
    for index, item in enumerate(items):
        line = lines[index] if index < len(lines) else 1
        yield from _convert(item, f"{path}:{line}")


def _from_jsonl(path: Path, text: str) -> Iterator[KnownClaim | InputError]:
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            doc = json.loads(line)
        except json.JSONDecodeError as exc:
            yield InputError(f"{path}:{number}", f"not JSON: {exc.msg}", kind="malformed")
            continue
        except RecursionError:
            yield InputError(f"{path}:{number}", "JSON nested too deeply to read",
                             kind="malformed")
            continue
        for item in _items(doc)[0]:
            yield from _convert(item, f"{path}:{number}")


def _from_html(path: Path, text: str) -> Iterator[KnownClaim | InputError]:
    for m in _LD_SCRIPT.finditer(text):
        line = text.count("\n", 0, m.start(1)) + 1
        try:
            doc = json.loads(html.unescape(m.group(1)) if "&quot;" in m.group(1) else m.group(1))
        except json.JSONDecodeError as exc:
            yield InputError(f"{path}:{line + exc.lineno - 1}", f"JSON-LD block is not JSON: "
                             f"{exc.msg}", kind="malformed")
            continue
        except RecursionError:
            yield InputError(f"{path}:{line}", "JSON-LD block nested too deeply to read",
                             kind="malformed")
            continue
        for item in _items(doc)[0]:
            if not isinstance(item, dict):
                yield InputError(f"{path}:{line}", "JSON-LD item is not an object "
                                 f"(found {type(item).__name__})", kind="malformed")
            elif _is_claimreview(item) or "claimReview" in item:
                yield from _convert(item, f"{path}:{line}")


def _items(doc: Any) -> tuple[list[Any], int]:
    """The records of a document and the JSON nesting depth at which they open."""
    if isinstance(doc, list):
        return doc, 1
    if isinstance(doc, dict):
        for key in ("claims", "@graph", "itemListElement"):
            if isinstance(doc.get(key), list):
                return doc[key], 2
        return [doc], 0
    return [doc], 0


def _object_lines(text: str, depth: int) -> list[int]:
    """1-based line of every JSON object that opens at ``depth`` (0 = the top level)."""
    lines: list[int] = []
    level, line, in_string, escaped = 0, 1, False, False
    for ch in text:
        if ch == "\n":
            line += 1
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
            continue
        if ch == '"':
            in_string = True
        elif ch in "{[":
            if level == depth:
                lines.append(line)
            level += 1
        elif ch in "}]":
            level -= 1
    return lines


def _is_claimreview(item: Any) -> bool:
    if not isinstance(item, dict):
        return False
    kind = item.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return "ClaimReview" in kinds


def _convert(item: Any, where: str) -> Iterator[KnownClaim | InputError]:
    if not isinstance(item, dict):
        yield InputError(where, "expected a JSON object", kind="malformed")
    elif "claimReview" in item:
        yield from _from_api_claim(item, where)
    elif _is_claimreview(item):
        yield _from_claimreview(item, where)
    else:
        yield InputError(where, "neither a ClaimReview (\"@type\": \"ClaimReview\") nor a Fact "
                         "Check Tools claim (with \"claimReview\")", kind="malformed")


def _from_claimreview(item: dict[str, Any], where: str) -> KnownClaim | InputError:
    text = _str(item.get("claimReviewed"))
    if not text:
        return InputError(where, "ClaimReview without claimReviewed", kind="malformed")
    reviewed = item.get("itemReviewed") if isinstance(item.get("itemReviewed"), dict) else {}
    assert isinstance(reviewed, dict)
    appearance = reviewed.get("appearance")
    first = appearance[0] if isinstance(appearance, list) and appearance else appearance
    claim_date = _date(reviewed.get("datePublished")) or (
        _date(first.get("datePublished")) if isinstance(first, dict) else None)
    source = _name(item.get("author")) or _name(item.get("publisher")) or "ClaimReview"
    rating = item.get("reviewRating")
    url = _str(item.get("url")) or None
    meta = {k: v for k, v in {
        "claimant": _name(reviewed.get("author")),
        "review_date": _date(item.get("datePublished")),
        "language": _str(item.get("inLanguage")),
    }.items() if v}
    return KnownClaim(
        id=url or _derived_id(text, source), dataset="claimreview", source=source, text=text,
        date=claim_date or _date(item.get("datePublished")),
        rating=_str(rating.get("alternateName")) or None if isinstance(rating, dict) else None,
        url=url, meta=meta,
    )


def _from_api_claim(item: dict[str, Any], where: str) -> Iterator[KnownClaim | InputError]:
    text = _str(item.get("text"))
    reviews = item.get("claimReview")
    if not text:
        yield InputError(where, "claim without text", kind="malformed")
        return
    if not isinstance(reviews, list) or not reviews:
        yield InputError(where, "claim without any claimReview", kind="malformed")
        return
    for review in reviews:
        if not isinstance(review, dict):
            yield InputError(where, "claimReview entry is not an object", kind="malformed")
            continue
        publisher = review.get("publisher")
        source = _name(publisher) or (
            _str(publisher.get("site")) if isinstance(publisher, dict) else "") or "ClaimReview"
        url = _str(review.get("url")) or None
        meta = {k: v for k, v in {
            "claimant": _str(item.get("claimant")),
            "review_date": _date(review.get("reviewDate")),
            "review_title": _str(review.get("title")),
            "language": _str(review.get("languageCode")),
        }.items() if v}
        yield KnownClaim(
            id=url or _derived_id(text, source), dataset="claimreview", source=source,
            text=text, date=_date(item.get("claimDate")) or _date(review.get("reviewDate")),
            rating=_str(review.get("textualRating")) or None, url=url, meta=meta,
        )


def _str(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _name(value: Any) -> str:
    if isinstance(value, list) and value:
        value = value[0]
    if isinstance(value, dict):
        return _str(value.get("name"))
    return _str(value)


def _date(value: Any) -> str | None:
    text = _str(value)
    return text[:10] if re.match(r"\d{4}-\d{2}-\d{2}", text) else None


def _derived_id(text: str, source: str) -> str:
    digest = hashlib.sha1(f"{source}\n{text}".encode()).hexdigest()[:16]
    return f"claimreview:{digest}"
