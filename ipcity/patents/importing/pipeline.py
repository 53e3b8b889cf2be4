"""The run: read the file, parse rows in batches, write each batch (optionally in a second thread, or with
the parsing in a forked process), report bad rows to a CSV next to the file. See docs/adr/0302."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from ipcity.core.excel import csv_writer

from ..writer import write_batch
from .context import Context, build_context
from .errors import ImportFileError, RowError
from .mapping import Mapping, load_mapping, norm_header
from .readers import JsonlReader, Reader, reader_for
from .rows import cell_text, parse_row


@dataclass
class ImportResult:
    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    rows: int = 0
    report_path: str = ""

    def summary(self) -> str:
        return f"imported {self.imported}, updated {self.updated}, unchanged {self.unchanged}, rejected {self.rejected}"


ProgressCallback = Callable[[int, int, "ImportResult"], None]


def default_report_path(path: Path) -> Path:
    return path.with_name(f"{path.stem}.errors.csv")


def run_import(
    path: Path,
    *,
    mapping_name: str = "auto",
    report_path: Path | None = None,
    progress: ProgressCallback | None = None,
    batch_size: int = 20000,
    ctx: Context | None = None,
    pipeline: bool | None = None,
    parser_process: bool | None = None,
) -> ImportResult:
    """Read the file, write good rows batch by batch (each batch its own transaction), report bad rows.

    `pipeline` (default: on PostgreSQL outside a transaction): a second thread writes batch n while
    batch n+1 is parsed. `parser_process` (default off): the file is read and parsed in a forked
    process that hands over parsed batches, so parsing and writing run on two cores; it did not
    measurably help on the shared 2-core machine (docs/adr/0302), so it is opt-in."""
    from django.db import connection

    mapping = load_mapping(mapping_name)
    reader = reader_for(path)
    reader.check_limits()  # a file over the row limit (or a bomb) is refused before any batch is written
    if pipeline is None:
        pipeline = connection.vendor == "postgresql" and not connection.in_atomic_block
    if parser_process is None:
        parser_process = False  # measured: no gain on the 2-core machine (docs/adr/0302)
    parser_process = parser_process and _can_fork()
    ctx = ctx or build_context()
    writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="patent-import") if pipeline else None
    try:
        batches = (
            _batches_from_process(reader, mapping, ctx, batch_size)
            if parser_process
            else _parse_batches(reader, mapping, ctx, batch_size)
        )
        return _run(path, batches, report_path, progress, writer)
    finally:
        if writer is not None:
            writer.shutdown(wait=True)


@dataclass
class Parsed:
    """One batch of parsed rows with what the file reading found on the way."""

    rows: list[dict[str, Any]]
    errors: list[tuple[int, str, str, str]]  # row, application number, field, reason
    seen: int  # rows read (good and bad)
    position: int
    total: int


def _parse_batches(reader: Reader, mapping: Mapping, ctx: Context, batch_size: int) -> Iterator[Parsed]:
    """Read and validate the file; yield batches of distinct good rows and the bad rows before them."""
    headers: dict[str, str] | None = None
    batch: dict[str, dict[str, Any]] = {}
    errors: list[tuple[int, str, str, str]] = []
    seen = 0
    for number, raw in reader.rows():
        seen += 1
        if "__error__" in raw:
            errors.append((number, "", "", raw["__error__"]))
            continue
        if headers is None:
            headers = mapping.resolve(list(raw.keys()))
            if "application_number" not in headers.values():
                raise ImportFileError(
                    _("No application number column found (looked for %(names)s).")
                    % {"names": ", ".join(k for k, v in mapping.columns.items() if v == "application_number")}
                )
        elif isinstance(reader, JsonlReader):
            for key in raw:
                if key not in headers:
                    target = mapping.columns.get(norm_header(key))
                    if target and target not in headers.values():
                        headers[key] = target
        try:
            values = parse_row(raw, headers, mapping, ctx)
        except RowError as exc:
            num = cell_text(
                raw.get(next((h for h, t in headers.items() if t == "application_number"), ""), "")
            )
            errors.append((number, num, exc.field, exc.reason))
            continue
        key = values["application_number"]
        if key in batch:
            errors.append(
                (
                    number,
                    key,
                    "application_number",
                    _("The same application number appears earlier in this file."),
                )
            )
            continue
        batch[key] = values
        if len(batch) >= batch_size:
            yield Parsed(list(batch.values()), errors, seen, reader.position, reader.total)
            batch, errors, seen = {}, [], 0
    yield Parsed(list(batch.values()), errors, seen, reader.total, reader.total)


def _can_fork() -> bool:
    """fork exists here, and this process may have children (a daemonic Celery worker may not)."""
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods() and not multiprocessing.current_process().daemon


def _parser_main(
    queue: Any, reader: Reader, mapping: Mapping, ctx: Context, batch_size: int, language: str
) -> None:
    """The forked parser: never touches the database (it inherited the parent's connection objects,
    which stay the parent's); sends ("batch", Parsed), then ("done", None) or ("error", exception)."""
    from django.utils import translation

    translation.activate(language)
    try:
        for parsed in _parse_batches(reader, mapping, ctx, batch_size):
            queue.put(("batch", parsed))
        queue.put(("done", None))
    except ImportFileError as exc:
        queue.put(("error", exc))
    except Exception as exc:  # noqa: BLE001 - handed to the parent, which raises it
        queue.put(("error", RuntimeError(f"patent import parser failed: {exc!r}")))


def _batches_from_process(
    reader: Reader, mapping: Mapping, ctx: Context, batch_size: int
) -> Iterator[Parsed]:
    import multiprocessing

    from django.utils import translation

    mp = multiprocessing.get_context("fork")
    queue = mp.Queue(maxsize=2)  # at most two parsed batches waiting: memory stays bounded
    child = mp.Process(
        target=_parser_main,
        args=(queue, reader, mapping, ctx, batch_size, translation.get_language() or "en"),
        name="patent-import-parser",
        daemon=True,
    )
    child.start()
    try:
        while True:
            try:
                kind, payload = queue.get(timeout=5)
            except Exception:  # noqa: BLE001 - queue.Empty: is the parser still alive?
                if not child.is_alive():
                    raise RuntimeError("patent import parser ended unexpectedly") from None
                continue
            if kind == "batch":
                yield payload
            elif kind == "done":
                break
            else:
                raise payload
    finally:
        if child.is_alive():
            child.terminate()
        child.join()
        queue.close()


def _run(
    path: Path,
    batches: Iterator[Parsed],
    report_path: Path | None,
    progress: ProgressCallback | None,
    writer: ThreadPoolExecutor | None,
) -> ImportResult:
    result = ImportResult()
    report = report_path or default_report_path(path)
    result.report_path = str(report)
    with open(report, "w", encoding="utf-8-sig", newline="") as report_fh:
        errors = csv_writer(report_fh)  # opened in Excel: imported text must not run
        errors.writerow(["row", "application_number", "field", "reason"])

        pending: list[Future[tuple[int, int, int]]] = []

        def collect() -> None:
            while pending:
                counts = pending.pop(0).result()
                result.imported += counts[0]
                result.updated += counts[1]
                result.unchanged += counts[2]

        for parsed in batches:
            result.rows += parsed.seen
            result.rejected += len(parsed.errors)
            errors.writerows(parsed.errors)
            if parsed.rows:
                if writer is None:
                    pending.append(_done(write_batch(parsed.rows)))
                else:
                    collect()  # at most one batch in flight: memory stays bounded
                    pending.append(writer.submit(_write_in_thread, parsed.rows))
            if writer is None:
                collect()
            if progress:
                progress(parsed.position, parsed.total, result)
        collect()
    return result


def _done(value: tuple[int, int, int]) -> Future[tuple[int, int, int]]:
    future: Future[tuple[int, int, int]] = Future()
    future.set_result(value)
    return future


def _write_in_thread(rows: list[dict[str, Any]]) -> tuple[int, int, int]:
    from django.db import connection

    try:
        return write_batch(rows)
    finally:
        connection.close()
