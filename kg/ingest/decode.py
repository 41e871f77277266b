"""Bytes -> text with the checks a batch needs: size limit before reading, binary, encoding fallback.

Chinese sites still serve GBK/GB18030; such a file is decoded (with a warning naming the encoding)
rather than failed, because its text is perfectly usable. Anything that is neither UTF-8 nor plausible
GB18030 is a failure.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from pathlib import Path

from kg.errors import ReadError

DEFAULT_MAX_MB = 20.0
MB = 1024 * 1024

WarningHandler = Callable[[str], None]


def check_size(path: Path, max_mb: float, label: str | None = None) -> None:
    """Reject a file over the limit from its size alone, before reading it."""
    size = path.stat().st_size
    if size > max_mb * MB:
        shown = f"{size / MB:.1f}" if size >= 0.1 * MB else f"{size / MB:.3f}"
        raise ReadError(label or path, f"file too large: {shown} MB > {max_mb:g} MB limit")


def _implausible(text: str) -> bool:
    """GB18030 decodes many byte strings; real text has no control, private-use or unassigned chars."""
    bad = 0
    for ch in text:
        cat = unicodedata.category(ch)
        if (cat == "Cc" and ch not in "\t\n\r\f") or cat in ("Co", "Cn"):
            bad += 1
    return bad > len(text) * 0.001


def decode_bytes(data: bytes, label: str, warn: WarningHandler) -> str:
    """Decode file content; raise ReadError naming `label` when it is not text (or nothing but a BOM)."""
    text = _decode(data, label, warn)
    if not text.strip():
        raise ReadError(label, "empty file")
    return text


def _decode(data: bytes, label: str, warn: WarningHandler) -> str:
    if not data.strip():
        raise ReadError(label, "empty file")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise ReadError(label, "cannot decode text: invalid UTF-16") from None
    if b"\x00" in data:
        raise ReadError(label, "binary file (contains NUL bytes)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        first_error = exc
    else:
        return text
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        text = None
    if text is not None and not _implausible(text):
        warn(f"{label}: not valid UTF-8, decoded as GB18030")
        return text
    raise ReadError(
        label,
        f"cannot decode text: not UTF-8 (invalid byte at offset {first_error.start}) and not GB18030",
    )


# --------------------------------------------------------------------------- declared charsets

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.IGNORECASE)
# GB2312 and GBK pages use GB18030 characters in practice (a GB2312 label is rarely strict): decode with the
# superset, which reads every GB2312/GBK byte the same way.
_SUPERSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "euc-cn": "gb18030",
    "hz-gb-2312": "hz",
}


_WESTERN = frozenset({"iso-8859-1", "latin-1", "latin1", "windows-1252", "cp1252", "us-ascii", "ascii"})


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def charset_from_header(content_type: str | None) -> str | None:
    """`text/html; charset=GBK` -> `gbk` (an HTTP Content-Type or http-equiv value)."""
    m = _HEADER_CHARSET.search(content_type or "")
    return m.group(1).lower() if m else None


def declared_charset(data: bytes) -> str | None:
    """The charset a page declares in `<meta charset>` or `<meta http-equiv content=…charset=…>`."""
    m = _META_CHARSET.search(data[:4096])
    return m.group(1).decode("ascii").lower() if m else None


def decode_html(data: bytes, label: str, warn: WarningHandler, declared: str | None = None) -> str:
    """A web page: the charset it declares (HTTP header first, then meta) before any guessing.

    A declared GBK page is decoded without a warning (it is what it says); a declaration that is unknown
    or wrong falls back to decode_bytes (UTF-8, then GB18030 with a warning).
    """
    if not data.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")):
        charset = declared or declared_charset(data)
        if charset and b"\x00" not in data:
            codec = _SUPERSETS.get(charset, charset)
            if codec in _WESTERN and _is_utf8(data):
                codec = (
                    "utf-8"  # a template's stale latin-1 label on a UTF-8 page: every byte decodes as latin-1
                )
            try:
                text = data.decode(codec)
            except LookupError:
                warn(f"{label}: unknown declared charset {charset!r}, guessed instead")
            except UnicodeDecodeError:
                warn(f"{label}: not valid {charset} as declared, guessed instead")
            else:
                if text.strip():
                    return text
    return decode_bytes(data, label, warn)
