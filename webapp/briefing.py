"""The briefing pack page and its downloads (.docx, .md, .csv, .txt).

A pack is state the reader holds, never the server: its paragraph ids (``ids=a,b,c``), a note per
paragraph (``note.<id>=text``) and a title (``title=``) travel in the URL. With JavaScript the
browser keeps the reader's own pack in localStorage (``findings.js``); without it, a cookie holding
just the ids lets the "Add to briefing" buttons of every page add to the same pack. Every change
made on the page (add, move, remove, notes) is a plain GET form: the server applies it to the state
in the URL and redirects to the new URL (see :class:`indexer.briefing.PackState`).
"""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, Flask, Response, redirect, render_template, request, url_for
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response as BaseResponse

from indexer.briefing import (
    NOTE_MAX_CHARS,
    PACK_CAP,
    TITLE_MAX_CHARS,
    Links,
    PackError,
    PackState,
    counted,
    load_pack,
    parse_ids,
)
from indexer.briefing.export import FORMATS, citations_text, filename, write
from webapp.links import absolute
from webapp.params import FORBIDDEN_RE, BadParams
from webapp.service import get_service

bp = Blueprint("briefing", __name__)

COOKIE = "findings_briefing"
COOKIE_SEPARATOR = "."
"""Ids in the cookie are joined by dots: a comma is not allowed in a cookie value, and no id has a dot."""
COOKIE_MAX_CHARS = 3800
"""What a browser keeps in one cookie (4 kB with its name): a larger pack lives in its URL only."""
COOKIE_MAX_AGE = 365 * 24 * 3600
NOTE_PARAM = "note."
BACK_RE = re.compile(r"/(?![/\\])[^\s\\]{0,499}")
"""Where "Back" goes: a path on this site (never another site: no ``//host`` or ``/\\host``)."""
EXPORT_LABELS = {"docx": "Word (.docx)", "md": "Markdown (.md)", "csv": "Spreadsheet (.csv)", "txt": "Citations (.txt)"}


def init_app(app: Flask) -> None:
    @app.context_processor
    def _briefing_count() -> dict:
        # The header's counter, for pages read without JavaScript (findings.js counts localStorage's pack).
        return {"briefing_count": len(cookie_ids())}


def cookie_ids() -> list[str]:
    """The ids in the no-JavaScript cookie; a damaged cookie counts as an empty pack."""
    value = request.cookies.get(COOKIE, "")
    if not value or len(value) > COOKIE_MAX_CHARS:
        return []
    try:
        return parse_ids(value.split(COOKIE_SEPARATOR))
    except PackError:
        return []


def _checked(args: MultiDict) -> None:
    for name, value in args.items(multi=True):
        if FORBIDDEN_RE.search(name) or FORBIDDEN_RE.search(value):
            raise BadParams("The address contains characters that cannot be used. Remove them and try again.")


def read_state(args: MultiDict, *, use_cookie: bool) -> PackState:
    """The pack a request's URL states (its ids, else the cookie's when ``use_cookie``); PackError if unusable."""
    _checked(args)
    values = args.getlist("ids")
    ids = parse_ids(values) if values else (cookie_ids() if use_cookie else [])
    notes = {
        name[len(NOTE_PARAM) :]: value for name, value in args.items(multi=True) if name.startswith(NOTE_PARAM)
    }
    return PackState.make(ids, notes, args.get("title", ""))


def _back(args: MultiDict) -> str | None:
    back = args.get("back", "")
    if not back:
        return None
    if not BACK_RE.fullmatch(back):
        raise BadParams("'back' must be a page of this site, such as /search?q=custody.")
    return back


def pack_args(state: PackState) -> dict[str, str]:
    """The URL parameters of a pack: ids, then its title, then its notes in pack order."""
    values = {"ids": ",".join(state.ids)} if state.ids else {}
    if state.title:
        values["title"] = state.title
    for paragraph_id in state.ids:
        if state.notes.get(paragraph_id):
            values[NOTE_PARAM + paragraph_id] = state.notes[paragraph_id]
    return values


def pack_url(state: PackState, endpoint: str = "briefing.page", *, anchor: str | None = None, **extra: str) -> str:
    values: dict[str, Any] = {**pack_args(state), **extra}
    return url_for(endpoint, _anchor=anchor, **values)


def links() -> Links:
    return Links(
        permalink=lambda paragraph_id: absolute(url_for("reports.permalink", paragraph_id=paragraph_id)),
        report=lambda report_id: absolute(url_for("reports.report", report_id=report_id)),
    )


def _remember(response: BaseResponse, state: PackState) -> None:
    """Keep the pack's ids in the cookie (for pages read without JavaScript), when they fit in one."""
    value = COOKIE_SEPARATOR.join(state.ids)
    if value and len(value) <= COOKIE_MAX_CHARS:
        response.set_cookie(
            COOKIE, value, max_age=COOKIE_MAX_AGE, path="/", samesite="Lax", secure=request.is_secure
        )
    else:
        response.delete_cookie(COOKIE, path="/", samesite="Lax", secure=request.is_secure)


@bp.get("/briefing")
def page():
    """The pack the URL (or, without ids, the cookie) holds; a change to it redirects to the changed pack's URL."""
    args = request.args
    try:
        back = _back(args)
        state = read_state(args, use_cookie=True)
        added = parse_ids(args.getlist("add"))
        operation = args.get("op", "")
        if added or "op" in args:
            before = state
            state = state.adding(added)
            anchor = None
            if operation and operation != "save":
                state = state.applying(operation)
                move, _, target = operation.partition(":")
                anchor = f"item-{target}" if move in ("up", "down") and target in state.ids else "pack"
            elif added:
                anchor = f"item-{added[-1]}"
            extra = {"back": back} if back else {}
            if added and not set(added) - set(before.ids):
                extra["already"] = "1"
            response = redirect(pack_url(state, anchor=anchor, **extra), code=303)
            _remember(response, state)
            return response
    except (PackError, BadParams) as error:
        return _problem(str(error))
    pack = load_pack(get_service(), state, links())
    exports = {extension: pack_url(state, "briefing.export", extension=extension) for extension in FORMATS}
    return render_template(
        "briefing.html",
        pack=pack,
        state=state,
        counted=counted(pack),
        share_url=absolute(pack_url(state)) if state.ids else None,
        exports=exports,
        export_labels=EXPORT_LABELS,
        citations=citations_text(pack),
        back=back,
        already=args.get("already") == "1",
        from_cookie="ids" not in args and bool(state.ids),
        source="url" if "ids" in args else ("cookie" if state.ids else "none"),
        cap=PACK_CAP,
        note_max=NOTE_MAX_CHARS,
        title_max=TITLE_MAX_CHARS,
    )


def _problem(message: str):
    return render_template("briefing.html", error=message, pack=None, state=PackState(), cap=PACK_CAP), 400


@bp.get("/briefing.<any(docx, md, csv, txt):extension>", endpoint="export")
def export(extension: str):
    """The pack in the URL as a Word document, Markdown, CSV, or its citations as plain text."""
    state = read_state(request.args, use_cookie=False)
    if not state.ids:
        raise PackError(f"The pack is empty: give its paragraphs as ids=ID,ID,… (at most {PACK_CAP}).")
    pack = load_pack(get_service(), state, links())
    response = Response(write(pack, extension), mimetype=FORMATS[extension])
    disposition = "inline" if extension == "txt" else "attachment"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{filename(pack, extension)}"'
    response.headers["X-Findings-Missing"] = str(len(pack["missing"]))
    return response
