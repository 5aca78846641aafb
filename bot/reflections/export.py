"""A member's reflection log as a file they keep: Markdown to read, CSV for a spreadsheet."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.i18n import Catalog
from bot.reflections.service import ReflectionEntry

FORMATS = ("markdown", "csv")
FORMAT_WORDS = {"md": "markdown", "markdown": "markdown", "csv": "csv", "excel": "csv"}


@dataclass(frozen=True)
class ExportFile:
    filename: str
    content: bytes
    count: int


def _local(texts: Catalog, moment: datetime, zone: str, key: str) -> str:
    return texts.datetime(moment, format=texts.t(key), tzinfo=ZoneInfo(zone))


def _meeting(texts: Catalog, entry: ReflectionEntry) -> str:
    if entry.meeting_starts_at is None:
        return ""
    return _local(texts, entry.meeting_starts_at, entry.team_timezone, "reflections.export.date_format")


def export_filename(fmt: str, now: datetime) -> str:
    """The file's name: plc-reflections-DATE.md or .csv."""
    return f"plc-reflections-{now.strftime('%Y-%m-%d')}.{'csv' if fmt == 'csv' else 'md'}"


def export_log(entries: Sequence[ReflectionEntry], texts: Catalog, fmt: str, now: datetime) -> ExportFile:
    """The entries (newest first) as a Markdown or CSV file, with texts and dates in `texts`' language."""
    if fmt not in FORMATS:
        raise ValueError(fmt)
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(texts.list("reflections.export.csv_columns"))
        for entry in entries:
            writer.writerow([
                entry.created_at.astimezone(ZoneInfo(entry.team_timezone)).isoformat(timespec="minutes"),
                entry.team_name, _meeting(texts, entry),
                texts.t("reflections.export.shared" if entry.shared else "reflections.export.private"),
                entry.prompt, entry.text,
            ])
        # With a byte-order mark, spreadsheet programs read the UTF-8 (ç, ğ, ş, ...) correctly.
        return ExportFile(export_filename(fmt, now), buffer.getvalue().encode("utf-8-sig"), len(entries))
    lines = [texts.t("reflections.export.title"), "",
             texts.t("reflections.export.intro", count=len(entries), date=texts.date(now.date(), format="long")), ""]
    for entry in entries:
        when = _local(texts, entry.created_at, entry.team_timezone, "reflections.export.datetime_format")
        lines.append(texts.t("reflections.export.entry_title", when=when, team=entry.team_name))
        meta = texts.t("reflections.export.shared" if entry.shared else "reflections.export.private")
        if entry.meeting_starts_at is not None:
            meta = texts.t("reflections.export.after_meeting", meeting=_meeting(texts, entry)) + " · " + meta
        lines += ["", f"_{meta}_", ""]
        if entry.prompt.strip():
            lines += [f"> {line}" if line.strip() else ">" for line in entry.prompt.strip().splitlines()]
            lines.append("")
        lines += [entry.text.strip(), ""]
    return ExportFile(export_filename(fmt, now), "\n".join(lines).encode("utf-8"), len(entries))
