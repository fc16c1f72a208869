"""What the browser tests visit: one address of every kind of page, and the screen sizes they are read at."""

from __future__ import annotations

DESKTOP_VIEWPORT = {"width": 1280, "height": 900}
PHONE_VIEWPORT = {"width": 390, "height": 844}
VIEWPORTS = {"desktop": DESKTOP_VIEWPORT, "phone": PHONE_VIEWPORT}
PAGE_TYPES = {
    "home": "/",
    "search": "/search?q=custody",
    "search-with-filters": "/search?q=custody&force=Devon+and+Cornwall+Police",
    "no-results": "/search?q=zebracrossingxyz",
    "bad-query": "/search?q=%2A",
    "not-found": "/no-such-page",
    "reports": "/reports",
    "report": "/reports/{report_id}",
    "cited-paragraph": "/p/{paragraph_id}?q=custody",
    "help": "/help",
    "recommendations": "/recommendations?force=Devon+and+Cornwall+Police",
    "report-with-findings": "/reports/plymouth-jtai-2020-letter",
    "response-with-answers": "/reports/plymouth-jtai-2020-pcc-response",
    "similar": "/p/{paragraph_id}/similar",
    "briefing-empty": "/briefing?ids=",
    "briefing": "/briefing?ids={paragraph_id},plymouth-jtai-2020-letter--p-854c266a,"
    "plymouth-jtai-2020-letter--p-0000gone&note.{paragraph_id}=Ask+about+this",
    "briefing-refused": "/briefing?ids=Not_An_Id",
}
"""{report_id} and {paragraph_id} are filled in from a search for custody (see the page_type fixture)."""
PAGE_STATUS = {"bad-query": 400, "not-found": 404, "briefing-refused": 400}
