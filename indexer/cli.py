"""The ``findings`` command: a thin layer mapping options to library calls."""

from __future__ import annotations

import json
import sys
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path

import click

from indexer.store.generations import INDEX_DIR_ENV, IndexLockedError, IndexMissingError, resolve_index_dir

BASE_URL_ENV = "FINDINGS_BASE_URL"
PERMALINK_PATH = "/p/{id}"
"""Where the web app serves a paragraph's permalink (its ``reports.permalink`` route; a test checks they agree)."""
REPORT_PATH = "/reports/{id}"
"""Where the web app serves a report's page (its ``reports.report`` route; a test checks they agree)."""
COMMANDS_GROUP = "findings.commands"
"""Entry points that add commands: the web app adds ``serve`` (the indexer never imports the web app)."""

index_dir_option = click.option(
    "--index-dir",
    type=click.Path(file_okay=False, path_type=Path),
    envvar=INDEX_DIR_ENV,
    default=None,
    help=f"Where the index lives (default: ${INDEX_DIR_ENV} or .findings-index).",
)


class _Commands(click.Group):
    """The built-in commands, and those installed packages add through the ``findings.commands`` entry points."""

    def _added(self) -> dict[str, EntryPoint]:
        return {point.name: point for point in entry_points(group=COMMANDS_GROUP)}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self._added()})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        command = super().get_command(ctx, cmd_name)
        if command is None and cmd_name in (added := self._added()):
            # Loaded only when asked for, so other commands never import the package that adds it.
            command = added[cmd_name].load()
        return command


@click.group(cls=_Commands)
@click.version_option(package_name="findings")
def main() -> None:
    """Findings: search what inspectors said, and cite the exact paragraph."""


@main.command()
@click.argument("corpus_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("corpus"))
@index_dir_option
@click.option("--rebuild", is_flag=True, help="Re-parse every file instead of only the changed ones.")
@click.option(
    "--wait", type=float, default=0.0, show_default=True, help="Seconds to wait if another indexer is running."
)
@click.option("--timeout", type=float, default=60.0, show_default=True, help="Seconds one file may take to parse.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
def index(corpus_dir: Path, index_dir: Path | None, rebuild: bool, wait: float, timeout: float, quiet: bool) -> None:
    """Index the reports in CORPUS_DIR (default: ./corpus), touching only what changed."""
    from indexer.store.indexing import LOW_COVERAGE, corpus_files, index_corpus

    index_dir = resolve_index_dir(index_dir)
    if not corpus_dir.is_dir():
        raise click.ClickException(f"corpus folder not found: {corpus_dir}. Pass the folder that holds the reports.")
    total = len(corpus_files(corpus_dir)[0])
    show = not quiet and sys.stderr.isatty()
    with click.progressbar(length=total, label="Indexing", file=sys.stderr, show_pos=True) if show else _NoBar() as bar:
        try:
            summary = index_corpus(
                corpus_dir, index_dir, rebuild=rebuild, wait=wait, timeout=timeout, progress=lambda _: bar.update(1)
            )
        except IndexLockedError as error:
            raise click.ClickException(str(error)) from None
    click.echo(
        f"{len(summary.indexed)} indexed, {len(summary.unchanged)} unchanged, "
        f"{len(summary.removed)} removed, {len(summary.failed)} failed; "
        f"{summary.paragraphs} paragraphs in {index_dir} ({summary.seconds:.1f} s)"
    )
    for relative in sorted(summary.indexed):  # workers finish in any order: list by name
        click.echo(f"  {relative}: {summary.coverage[relative]:.0%} of its words indexed")
    for relative, share in summary.low_coverage:
        click.echo(
            f"warning: {relative}: only {share:.0%} of its words were indexed; "
            f"`findings inspect {corpus_dir / relative}` shows what was dropped and why",
            err=True,
        )
    if summary.low_coverage:
        names = ", ".join(relative for relative, _ in summary.low_coverage)
        click.echo(f"low coverage (under {LOW_COVERAGE:.0%} of words indexed): {names}", err=True)
    for relative, reason in summary.failed:
        click.echo(f"failed: {relative}: {reason}", err=True)
    if summary.failed:
        sys.exit(1)


class _NoBar:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def update(self, _):
        pass


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the reading as JSON.")
def inspect(file: Path, as_json: bool) -> None:
    """Show how FILE is read: front matter with its sources, sections, findings, and every dropped line."""
    from indexer.ingest.reading import read_explained
    from indexer.model import ReportParseError

    try:
        reading = read_explained(file)
    except ReportParseError as error:
        raise click.ClickException(f"{file}: {error.reason}") from None
    if as_json:
        click.echo(json.dumps(reading.as_dict(), ensure_ascii=False, indent=2))
        return
    labels = {"title": "Title", "published": "Published", "doc_type": "Document type",
              "inspectorates": "Inspectorates", "forces": "Forces", "programme": "Programme", "author": "Author",
              "responds_to_title": "Answers", "responds_to_published": "Answered of"}  # fmt: skip
    for name, label in labels.items():
        if name not in reading.facts:
            continue
        pairs = reading.facts[name] or [("none", "(none found)")]
        for value, line in pairs:
            click.echo(f"{label + ':':<15}{value}")
            click.echo(f"{'':<15}from: {_clip(line)}")
    click.echo("Sections:")
    for heading, kind in reading.sections:
        click.echo(f"  {heading}  [{kind}]")
    click.echo(f"Findings ({len(reading.findings)}):")
    for finding in reading.findings:
        details = [finding.finding_label or "", ", ".join(finding.addressees), finding.deadline or ""]
        said = "; ".join(detail for detail in details if detail)
        click.echo(f"  {finding.finding_type}{f' ({said})' if said else ''}: {_clip(finding.text)}")
    grades = [(p.section, p.grade) for p in reading.report.paragraphs if p.grade]
    click.echo(f"Grades ({len(dict.fromkeys(grades))}):")
    for section, grade in dict.fromkeys(grades):
        click.echo(f"  {grade}: {_clip(section)}")
    report = reading.report
    click.echo(f"Dropped ({len(report.dropped)}):")
    for item in report.dropped:
        click.echo(f"  {item.reason}: {_clip(item.text)}")
    click.echo(f"Coverage: {report.coverage:.0%} of {report.words_read} words indexed")


def _clip(text: str, limit: int = 100) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


@main.command()
@index_dir_option
def dump(index_dir: Path | None) -> None:
    """Write every paragraph record as JSON lines, in report and reading order."""
    with _service(index_dir) as service:
        for record in service.all_paragraphs():
            click.echo(json.dumps(record, ensure_ascii=False))


FILTER_OPTIONS = (
    ("force", "forces"),
    ("inspectorate", "inspectorates"),
    ("theme", "themes"),
    ("section_type", "section_type"),
    ("finding_type", "finding_type"),
    ("doc_type", "doc_type"),
    ("year", "year"),
    ("area", "areas"),
    ("grade", "grade"),
    ("programme", "programme"),
    ("status", "status"),
    ("answered", "answered"),
)


@main.command()
@click.argument("query", nargs=-1)
@index_dir_option
@click.option("--force", multiple=True, help="Only these forces (repeat for several).")
@click.option("--inspectorate", multiple=True, help="Only these inspectorates.")
@click.option("--theme", multiple=True, help="Only these themes.")
@click.option("--section-type", multiple=True, help="Only these section types, e.g. areas_for_improvement.")
@click.option("--finding-type", multiple=True, help="Only these finding types, e.g. recommendation.")
@click.option(
    "--doc-type",
    multiple=True,
    help="inspection_report, thematic_report, inspection_letter, pcc_response, force_response or progress_update.",
)
@click.option("--year", multiple=True, help="Only these publication years.")
@click.option("--area", multiple=True, help="Only these local authority areas.")
@click.option("--grade", multiple=True, help="Only paragraphs under these grades, e.g. inadequate.")
@click.option("--programme", multiple=True, help="Only these programmes: PEEL, JTAI, custody...")
@click.option("--status", multiple=True, help="Only findings with this response status, e.g. \"in progress\".")
@click.option("--answered", multiple=True, help="\"answered\" or \"not answered\": findings with or without one.")
@click.option("--sort", type=click.Choice(["relevance", "newest", "oldest"]), default="relevance", show_default=True)
@click.option("--page", type=click.IntRange(min=1), default=1, show_default=True)
@click.option(
    "--limit", "per_page", type=click.IntRange(1, 100), default=10, show_default=True, help="Results per page."
)
@click.option("--json", "as_json", is_flag=True, help="Print the result shape the API returns.")
@click.option(
    "--base-url",
    envvar=BASE_URL_ENV,
    default=None,
    help=f"The web app's public address, which citations link to (default: ${BASE_URL_ENV}).",
)
def search(
    query: tuple[str, ...],
    index_dir: Path | None,
    sort: str,
    page: int,
    per_page: int,
    as_json: bool,
    base_url: str | None,
    **options,
) -> None:
    """Search the index: words, "phrases", -exclusion, OR, field:value (see README)."""
    from indexer.search.citation import citation
    from indexer.search.query import QueryError
    from indexer.terminal import render_terminal

    root = _checked_base_url(base_url)
    filters = {field: list(options[option]) for option, field in FILTER_OPTIONS if options.get(option)}
    with _service(index_dir) as service:
        try:
            result = service.search(" ".join(query), filters=filters, sort=sort, page=page, per_page=per_page)
        except QueryError as error:
            raise click.ClickException(str(error)) from None
    linked = []
    for record in result["results"]:
        url = PERMALINK_PATH.format(id=record["id"])
        linked.append(dict(record, url=url, citation=citation(record, root + url)))
    result["results"] = linked
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        click.echo(render_terminal(result, color=sys.stdout.isatty()))
    if not root and result["results"]:
        click.echo(
            f"Note: citations link to /p/... paths. Set {BASE_URL_ENV} (or --base-url) to the web app's address, "
            f"e.g. {BASE_URL_ENV}=http://127.0.0.1:5000, for links that work in a briefing.",
            err=True,
        )


def _linked(record: dict, root: str) -> dict:
    url = PERMALINK_PATH.format(id=record["id"])
    from indexer.search.citation import citation

    return dict(record, url=url, citation=citation(record, root + url))


def _relative_note(root: str) -> None:
    if not root:
        click.echo(
            f"Note: citations link to /p/... paths. Set {BASE_URL_ENV} (or --base-url) to the web app's address, "
            f"e.g. {BASE_URL_ENV}=http://127.0.0.1:5000, for links that work in a briefing.",
            err=True,
        )


base_url_option = click.option(
    "--base-url",
    envvar=BASE_URL_ENV,
    default=None,
    help=f"The web app's public address, which citations link to (default: ${BASE_URL_ENV}).",
)


@main.command()
@click.argument("paragraph_id")
@index_dir_option
@click.option("--limit", type=click.IntRange(1, 20), default=5, show_default=True, help="How many to show.")
@click.option("--force", multiple=True, help="Only paragraphs about these forces (repeat for several).")
@click.option("--inspectorate", multiple=True, help="Only reports by these inspectorates.")
@click.option("--theme", multiple=True, help="Only these themes.")
@click.option("--section-type", multiple=True, help="Only these section types.")
@click.option("--finding-type", multiple=True, help="Only these finding types, e.g. key_finding.")
@click.option("--doc-type", multiple=True, help="Only these document types.")
@click.option("--year", multiple=True, help="Only these publication years.")
@click.option("--area", multiple=True, help="Only these local authority areas.")
@click.option("--json", "as_json", is_flag=True, help="Print what /api/paragraphs/ID/similar answers.")
@base_url_option
def similar(
    paragraph_id: str, index_dir: Path | None, limit: int, as_json: bool, base_url: str | None, **options
) -> None:
    """The paragraphs of OTHER reports most like PARAGRAPH_ID (an id or a permalink), shared words marked."""
    from indexer.briefing import PackError, normalise_id
    from indexer.search.query import QueryError
    from indexer.terminal import render_similar

    root = _checked_base_url(base_url)
    try:
        paragraph_id = normalise_id(paragraph_id)
    except PackError as error:
        raise click.ClickException(str(error)) from None
    filters = {field: list(options[option]) for option, field in FILTER_OPTIONS if options.get(option)}
    with _service(index_dir) as service:
        try:
            found = service.similar(paragraph_id, filters=filters, limit=limit)
        except QueryError as error:
            raise click.ClickException(str(error)) from None
    if found is None:
        raise click.ClickException(f"no paragraph {paragraph_id} in the index.")
    found = dict(
        found,
        paragraph=_linked(found["paragraph"], root),
        results=[_linked(record, root) for record in found["results"]],
    )
    if as_json:
        click.echo(json.dumps(found, ensure_ascii=False, indent=2))
    else:
        click.echo(render_similar(found, color=sys.stdout.isatty()))
    _relative_note(root)


@main.command()
@click.argument("paragraph_ids", nargs=-1, required=True)
@index_dir_option
@click.option(
    "--format", "file_format", type=click.Choice(["docx", "md", "csv", "txt"]), default=None,
    help="What to write (default: from the output file's extension, else md).",
)  # fmt: skip
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The file to write (default: standard output, except for docx).")  # fmt: skip
@click.option("--title", default="", help="The pack's title (default: Briefing pack).")
@click.option("--note", "notes", multiple=True, metavar="ID=TEXT", help="A note on one paragraph (repeat).")
@base_url_option
def briefing(
    paragraph_ids: tuple[str, ...],
    index_dir: Path | None,
    file_format: str | None,
    output: Path | None,
    title: str,
    notes: tuple[str, ...],
    base_url: str | None,
) -> None:
    """Write a briefing pack of PARAGRAPH_IDS (ids or permalinks; at most 200) as Word, Markdown, CSV or citations."""
    from indexer.briefing import Links, PackError, PackState, load_pack, normalise_id, parse_ids
    from indexer.briefing.export import write

    root = _checked_base_url(base_url)
    if file_format is None:
        suffix = output.suffix.lstrip(".").lower() if output else ""
        file_format = suffix if suffix in ("docx", "md", "csv", "txt") else "md"
    if file_format == "docx" and output is None:
        raise click.ClickException("a Word document is a binary file: give the file to write with -o FILE.docx.")
    try:
        ids = parse_ids(paragraph_ids)
        noted = {}
        for note in notes:
            target, separator, text = note.partition("=")
            if not separator:
                raise PackError(f"--note takes ID=TEXT, not {note!r}.")
            noted[normalise_id(target)] = text
        state = PackState.make(ids, noted, title)
    except PackError as error:
        raise click.ClickException(str(error)) from None
    links = Links(
        permalink=lambda paragraph_id: root + PERMALINK_PATH.format(id=paragraph_id),
        report=lambda report_id: root + REPORT_PATH.format(id=report_id),
    )
    with _service(index_dir) as service:
        pack = load_pack(service, state, links)
    body = write(pack, file_format)
    if output is None:
        click.echo(body.decode("utf-8"), nl=False)
    else:
        output.write_bytes(body)
        click.echo(f"{output}: {pack['count']} paragraphs from {len(pack['groups'])} reports", err=True)
    for paragraph_id in pack["missing"]:
        click.echo(f"warning: {paragraph_id} is no longer in the index; it is listed as missing", err=True)
    _relative_note(root)


CHAIN_OPTIONS = (
    ("force", "forces"),
    ("inspectorate", "inspectorates"),
    ("report", "report_id"),
    ("year", "year"),
    ("addressee", "addressees"),
    ("status", "status"),
    ("finding_type", "finding_type"),
    ("answered", "answered"),
)


@main.command()
@index_dir_option
@click.option("--force", multiple=True, help="Only findings of reports about these forces.")
@click.option("--inspectorate", multiple=True, help="Only findings of reports by these inspectorates.")
@click.option("--report", multiple=True, help="Only findings of these reports (ids).")
@click.option("--year", multiple=True, help="Only findings of reports from these years (or 2019..2021).")
@click.option("--addressee", multiple=True, help="Only findings for this addressee or agency, e.g. police.")
@click.option("--status", multiple=True, help='Only findings with this status, e.g. "no response found".')
@click.option("--finding-type", multiple=True, help="recommendation, area_for_improvement or cause_of_concern.")
@click.option("--answered", multiple=True, help='answered or "not answered".')
@click.option("--json", "as_json", is_flag=True, help="Print the findings as JSON.")
def recommendations(index_dir: Path | None, as_json: bool, **options) -> None:
    """List recommendations, areas for improvement and causes of concern, with their responses and status."""
    from indexer.search.query import QueryError

    filters = {field: list(options[option]) for option, field in CHAIN_OPTIONS if options.get(option)}
    with _service(index_dir) as service:
        try:
            findings = service.all_recommendations(filters)
        except QueryError as error:
            raise click.ClickException(str(error)) from None
    if as_json:
        click.echo(json.dumps(findings, ensure_ascii=False, indent=2))
        return
    for finding in findings:
        label = finding["finding_label"] or finding["finding_type"].replace("_", " ")
        click.echo(f"{label} [{finding['status']}]: {_clip(finding['text'])}")
        click.echo(f"  {finding['report_title']} ({finding['published'] or 'undated'}) {finding['id']}")
        for response in finding["responses"]:
            who = response["author"] or response["title"]
            click.echo(f"  answered by {who} ({response['published'] or 'undated'}): {response['status']}"
                       f" - {response['evidence']}  {response['paragraph_id']}")  # fmt: skip
    click.echo(f"{len(findings)} finding{'s' if len(findings) != 1 else ''}")


def _checked_base_url(base_url: str | None) -> str:
    """The base URL without a trailing slash; refuses anything but an absolute http(s) address."""
    from indexer.search.citation import checked_base_url

    try:
        return checked_base_url(base_url)
    except ValueError:
        raise click.ClickException(
            f"{BASE_URL_ENV} / --base-url must be an absolute address such as https://findings.example.org, "
            f"not {base_url.strip() if base_url else base_url!r}."
        ) from None


@main.command()
@click.argument("corpus_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("corpus"))
@index_dir_option
@click.option("--repair", is_flag=True, help="Re-index what differs (changed, missing and orphaned reports).")
def check(corpus_dir: Path, index_dir: Path | None, repair: bool) -> None:
    """Verify the index against the corpus: every file indexed at its current hash, no orphans."""
    from indexer.store.check import check_index

    sys.exit(check_index(corpus_dir, resolve_index_dir(index_dir), repair=repair, echo=click.echo))


def _service(index_dir: Path | None):
    from indexer.search.service import SearchService

    try:
        return SearchService(resolve_index_dir(index_dir))
    except IndexMissingError as error:
        raise click.ClickException(str(error)) from None


if __name__ == "__main__":
    main()
