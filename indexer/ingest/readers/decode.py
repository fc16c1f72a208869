"""Bytes to text for the plain-text formats: BOMs, UTF-8, UTF-16, cp1252, and binary refusal."""

from __future__ import annotations

import codecs
from pathlib import Path

from indexer.model import ReportParseError

# Share of control characters (other than whitespace) above which a file is not text.
BINARY_CONTROL_SHARE = 0.02


def decode_bytes(data: bytes, path: Path) -> str:
    """Decode a text file, or raise ReportParseError saying why it is not text."""
    if not data.strip():
        raise ReportParseError(str(path), "empty file")
    if data.startswith(codecs.BOM_UTF8):
        return _checked(data[len(codecs.BOM_UTF8):].decode("utf-8", errors="replace"), path)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return _checked(data.decode("utf-16"), path)
        except UnicodeDecodeError as error:
            raise ReportParseError(str(path), f"invalid UTF-16: {error.reason}") from None
    if b"\x00" in data:
        guess = _utf16_without_bom(data)
        if guess is None:
            raise ReportParseError(str(path), "binary file, not text (contains NUL bytes)")
        return _checked(guess, path)
    try:
        return _checked(data.decode("utf-8"), path)
    except UnicodeDecodeError:
        pass
    # Mixed files exist (a UTF-8 document pasted into a cp1252 one): decode line by line.
    lines = []
    for line in data.splitlines(keepends=True):
        try:
            lines.append(line.decode("utf-8"))
        except UnicodeDecodeError:
            lines.append(line.decode("cp1252", errors="replace"))
    return _checked("".join(lines), path)


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text without a BOM has NULs in every other byte of ASCII text."""
    even_nuls = data[0::2].count(0)
    odd_nuls = data[1::2].count(0)
    half = len(data) / 2
    for encoding, nuls in (("utf-16-le", odd_nuls), ("utf-16-be", even_nuls)):
        if nuls > 0.3 * half:
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                return None
    return None


def _checked(text: str, path: Path) -> str:
    if not text.strip():
        raise ReportParseError(str(path), "empty file")
    controls = sum(1 for char in text if ord(char) < 32 and char not in "\t\n\r\f")
    if controls > BINARY_CONTROL_SHARE * len(text):
        raise ReportParseError(str(path), "binary file, not text (too many control characters)")
    return text
