"""Bytes -> text with the checks a batch needs: size limit before reading, binary, encoding fallback.

Chinese sites still serve GBK/GB18030; such a file is decoded (with a warning naming the encoding)
rather than failed, because its text is perfectly usable. Anything that is neither UTF-8 nor plausible
GB18030 is a failure.
"""

from __future__ import annotations

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
