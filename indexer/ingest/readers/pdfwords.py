"""The words of a PDF's pages, built from the characters PDFium finds on them.

PDFium (through pypdfium2) gives each character's code point, its box and the text object
it belongs to. A text object is one run of text in one font on one baseline, so its font,
size, weight and baseline are asked for once per object, not per character. Words are then
split where a space, a change of font, a gap or a jump to another line comes between two
characters, as pdfplumber split them, and measured as pdfminer measured them, so that the
layout rules in :mod:`.pdf` see the same geometry they were written for.

The work per character is what limits the speed: a ctypes call costs 0.2-0.4 µs, and a
page of text has thousands of characters. So the page's text comes in one call, a
character costs two calls (its text object and its box, written straight into a ctypes
array read by numpy), whitespace costs none, and the grouping into words is done on arrays.
"""

from __future__ import annotations

import ctypes
import os
import re
from contextlib import closing
from dataclasses import dataclass
from math import hypot
from pathlib import Path
from typing import Any

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from indexer.model import ReportParseError

BOLD_FONT = re.compile(r"bold|black|heavy|semibold|demi", re.I)
# The font descriptor's ForceBold flag (ISO 32000-1 §9.8.2, bit 19). PDFium's weight is
# no help: it is derived from the stem width, and 0 for the standard 14 fonts.
FORCE_BOLD = 1 << 18
# A word ends where the next character starts more than this far from where the last one
# ended (pdfplumber's default), or sits more than this far above or below it, in points.
X_TOLERANCE = 3.0
Y_TOLERANCE = 3.0
# What a glyph with no Unicode mapping reads as. PDFium gives such a glyph as a control
# character, as its code (which may look like any letter), or as HYPHEN_MARK.
UNMAPPED = "\ufffd"
# PDFium's mark, in a page's text, for a hyphen it takes to break a word across lines
# (0x02 when the character is asked for alone), and for a glyph with no code at all.
HYPHEN_MARK = "\ufffe"
CONTROLS = {code: UNMAPPED for code in [*range(32), *range(0x7F, 0xA0)] if not chr(code).isspace()} | {2: HYPHEN_MARK}
# Whether each code point up to the last whitespace one (U+3000) is whitespace, to look up by array.
IS_SPACE = np.array([chr(code).isspace() for code in range(0x3000 + 1)])
FONT_NAME_BYTES = 256

LOAD_ERRORS = {
    pdfium_c.FPDF_ERR_UNKNOWN: "PDFium cannot read it",
    pdfium_c.FPDF_ERR_FILE: "the file cannot be opened",
    pdfium_c.FPDF_ERR_FORMAT: "PDFium cannot parse its structure",
    pdfium_c.FPDF_ERR_PAGE: "a page cannot be read",
}
"""Why PDFium could not open a document, in words (encryption is told apart)."""


def _unchecked(function: Any, restype: Any) -> Any:
    """PDFium's ``function`` without argument checks, for the calls made for every character.

    pypdfium2's bindings check each argument's type, which costs more than the call itself.
    A prototype that declares no arguments passes them by ctypes' own rules: call these with
    a ``c_void_p`` handle, a Python int index and a ``byref`` pointer, nothing else.
    """
    address = ctypes.cast(function, ctypes.c_void_p).value
    assert address, "a function of the loaded PDFium library has an address"
    return ctypes.CFUNCTYPE(restype)(address)


_TEXT_OBJECT = _unchecked(pdfium_c.FPDFText_GetTextObject, ctypes.c_size_t)
_LOOSE_BOX = _unchecked(pdfium_c.FPDFText_GetLooseCharBox, ctypes.c_int)
_RECT_BYTES = ctypes.sizeof(pdfium_c.FS_RECTF)
_LEFT, _RIGHT = 0, 2  # FS_RECTF holds left, top, right, bottom


@dataclass(slots=True)  # not frozen: a frozen dataclass takes five times as long to make, per word
class Word:
    """A run of characters in one font with no space or gap inside, as a page shows it.

    ``top`` and ``bottom`` are measured down from the top of the page. As in pdfminer, the
    box runs from the font's descent line up by the font size, so line gaps compare across fonts.
    """

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool


@dataclass(slots=True)
class _TextObject:
    """What holds for every character of one text object: one font, one size, one baseline."""

    font: bytes
    size: float
    bold: bool
    upright: bool
    low: float
    """The height of its font's descent line above the page's origin (the bottom of its words)."""


def read_pages(path: Path) -> list[tuple[float, list[Word]]]:
    """Each page's height and upright words, in page order; the document is closed before returning.

    Raises ReportParseError for an encrypted or damaged file, or one without pages.
    """
    with closing(_open(path)) as document:
        return [_read_page(path, document, index) for index in range(len(document))]


def _open(path: Path) -> Any:
    """The document at ``path``, opened by PDFium.

    It is opened through the raw API: PDFium keeps its last error until the next failure,
    so only right after a failed load does the error say why (pypdfium2 also asks it when
    a document that did open has no pages, and may be told of an earlier file's failure).
    """
    raw = pdfium_c.FPDF_LoadDocument(os.fsencode(path), None)
    if not raw:
        raise ReportParseError(str(path), _load_error(pdfium_c.FPDF_GetLastError()))
    document = pdfium.PdfDocument(raw)
    if len(document) == 0:
        document.close()
        raise ReportParseError(str(path), "PDF has no pages")
    return document


def _read_page(path: Path, document: Any, index: int) -> tuple[float, list[Word]]:
    """One page's height and words; the page and its text are closed before returning."""
    try:
        page = document[index]
        textpage = page.get_textpage()
    except pdfium.PdfiumError as error:
        raise ReportParseError(str(path), f"corrupt or truncated PDF: page {index + 1} cannot be read") from error
    with closing(page), closing(textpage):
        _, bottom, _, top = page.get_bbox()
        return top - bottom, _words(textpage, top)


def _load_error(code: int) -> str:
    """The reason PDFium gave for not opening a document, for the user."""
    if code in (pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY):
        return "PDF is encrypted"
    return f"corrupt or truncated PDF: {LOAD_ERRORS.get(code, 'PDFium cannot read it')}"


def _words(textpage: Any, page_top: float) -> list[Word]:
    """The page's words, from its characters: upright ones only (pdfplumber's choice too)."""
    text = _page_text(textpage)
    chars = np.flatnonzero(~_spaces(text))
    handles, boxes = _objects_and_boxes(textpage, chars.tolist())
    unique, first, of_char = np.unique(handles, return_index=True, return_inverse=True)
    objects = _text_objects(textpage, unique.tolist(), chars[first].tolist())
    keep = np.array([obj is not None and obj.upright for obj in objects], dtype=bool)[of_char]
    chars, boxes, of_char = chars[keep], boxes[keep], of_char[keep]
    if not len(chars):
        return []
    keys: dict[tuple[bytes, float], int] = {}
    font_keys = [keys.setdefault((obj.font, obj.size), len(keys)) if obj else -1 for obj in objects]
    lows = np.array([obj.low if obj else 0.0 for obj in objects])[of_char]
    starts = _word_starts(chars, boxes, lows, np.array(font_keys)[of_char])
    ends = np.append(starts[1:], len(chars))
    x0 = np.minimum.reduceat(boxes[:, _LEFT], starts).tolist()
    x1 = np.maximum.reduceat(boxes[:, _RIGHT], starts).tolist()
    spans = zip(chars[starts].tolist(), (chars[ends - 1] + 1).tolist(), of_char[starts].tolist(), strict=True)
    words = []
    for number, (start, end, object_number) in enumerate(spans):
        obj = objects[object_number]
        assert obj is not None  # characters outside any text object were dropped above
        word = text[start:end]
        if HYPHEN_MARK in word or end - start == 1:
            word = _marked_text(textpage, word, start)
        bottom = page_top - obj.low
        words.append(Word(word, x0[number], x1[number], bottom - obj.size, bottom, obj.size, obj.bold))
    return words


def _spaces(text: str) -> np.ndarray:
    """Whether each character of ``text`` is whitespace."""
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    return IS_SPACE[np.minimum(codes, len(IS_SPACE) - 1)] & (codes < len(IS_SPACE))


def _objects_and_boxes(textpage: Any, chars: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """Each character's text object (0 for one PDFium made up) and loose box, in PDF coordinates.

    Only the box's left and right are used: its bottom is the glyph's own when the font's
    metrics are odd, and a word's bottom comes from its text object instead.
    """
    handle = ctypes.c_void_p(ctypes.cast(textpage.raw, ctypes.c_void_p).value)
    objects = np.fromiter((_TEXT_OBJECT(handle, i) for i in chars), dtype=np.uint64, count=len(chars))
    boxes = (pdfium_c.FS_RECTF * len(chars))()
    byref = ctypes.byref
    for position, index in enumerate(chars):
        _LOOSE_BOX(handle, index, byref(boxes, position * _RECT_BYTES))
    return objects, np.frombuffer(boxes, dtype=np.float32).reshape(len(chars), 4)


def _page_text(textpage: Any) -> str:
    """Every character's text, one per character index, unmappable ones as U+FFFD.

    One call gets the page's text. PDFium leaves control characters out of it; when it has,
    the text no longer lines up with the character indexes and each character is asked instead.
    """
    count = textpage.count_chars()
    text = textpage.get_text_range(0, count) if count else ""
    if len(text) != count:
        text = "".join(chr(pdfium_c.FPDFText_GetUnicode(textpage, i)) for i in range(count))
    return text.translate(CONTROLS)


def _marked_text(textpage: Any, word: str, start: int) -> str:
    """A word's text with PDFium's marks for hyphens and unmapped glyphs read.

    A lone character is asked whether it lacks a Unicode mapping: a symbol font's bullet
    often does, and then reads as whatever its code happens to be.
    """
    if len(word) == 1 and pdfium_c.FPDFText_HasUnicodeMapError(textpage, start) == 1:
        return UNMAPPED
    return "".join(_hyphen(textpage, start + i) if char == HYPHEN_MARK else char for i, char in enumerate(word))


def _hyphen(textpage: Any, index: int) -> str:
    """A hyphen PDFium took for one that breaks a word at the end of a line, or an unmapped glyph."""
    return "-" if pdfium_c.FPDFText_IsHyphen(textpage, index) == 1 else UNMAPPED


def _word_starts(chars: np.ndarray, boxes: np.ndarray, lows: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """Where each word starts among the characters: after a space, a font change or a gap.

    The characters come in PDFium's reading order, so a jump back or to another line ends a
    word too. Whitespace was taken out, so a break in the character indexes marks a space.
    """
    gap = boxes[1:, _LEFT] - boxes[:-1, _RIGHT]
    breaks = (
        (np.diff(chars) != 1)
        | (keys[1:] != keys[:-1])
        | (np.abs(gap) > X_TOLERANCE)
        | (np.abs(np.diff(lows)) > Y_TOLERANCE)
    )
    return np.flatnonzero(np.concatenate(([True], breaks)))


def _text_objects(textpage: Any, handles: list[int], indexes: list[int]) -> list[_TextObject | None]:
    """What each text object in ``handles`` holds, asked of its character at the same place in
    ``indexes`` (None for handle 0: characters PDFium made up belong to no object)."""
    reader = _TextObjectReader(textpage.raw)
    return [reader.read(handle, index) if handle else None for handle, index in zip(handles, indexes, strict=True)]


class _TextObjectReader:
    """Asks PDFium about text objects of one page, with the buffers its answers go into."""

    def __init__(self, textpage: Any) -> None:
        self.textpage = textpage  # the raw handle: a pypdfium2 helper costs a lookup per call
        self.matrix = pdfium_c.FS_MATRIX()
        self.name = ctypes.create_string_buffer(FONT_NAME_BYTES)
        self.flags = ctypes.c_int()
        self.x, self.y = ctypes.c_double(), ctypes.c_double()
        self.descent = ctypes.c_float()
        self.bold: dict[tuple[bytes, int], bool] = {}

    def read(self, handle: int, index: int) -> _TextObject:
        """The text object ``handle``, through its character ``index``.

        The size is the font size times the vertical scale of the text's matrix, as pdfminer
        measured it: a report set with "1 Tf" and a scaled matrix has 10pt text, not 1pt. The
        bottom is the baseline (text rise included) plus the font's descent at that size, also
        as pdfminer placed it.
        """
        matrix = self.matrix
        pdfium_c.FPDFText_GetMatrix(self.textpage, index, matrix)
        size = round(pdfium_c.FPDFText_GetFontSize(self.textpage, index) * hypot(matrix.c, matrix.d), 3)
        pdfium_c.FPDFText_GetCharOrigin(self.textpage, index, self.x, self.y)
        font = pdfium_c.FPDFTextObj_GetFont(ctypes.cast(handle, pdfium_c.FPDF_PAGEOBJECT))
        descent = self.descent.value if pdfium_c.FPDFFont_GetDescent(font, size, self.descent) else 0.0
        name, bold = self._font(index)
        # pdfminer's test: not turned by a quarter, not mirrored.
        upright = matrix.a * matrix.d > 0 and matrix.b * matrix.c <= 0
        return _TextObject(name, size, bold, upright, self.y.value + descent)

    def _font(self, index: int) -> tuple[bytes, bool]:
        """The name of the font of character ``index``, and whether it is bold."""
        pdfium_c.FPDFText_GetFontInfo(self.textpage, index, self.name, FONT_NAME_BYTES, self.flags)
        key = (self.name.value, self.flags.value)
        if key not in self.bold:
            self.bold[key] = bool(BOLD_FONT.search(key[0].decode("utf-8", "replace")) or key[1] & FORCE_BOLD)
        return key[0], self.bold[key]
