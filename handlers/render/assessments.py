"""The upload modal and the texts of `/plc upload` and `/plc data` (aggregates vs student names)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from babel.numbers import format_decimal
from slack_sdk.models.blocks import DatePickerElement, InputBlock, PlainTextInputElement
from slack_sdk.models.views import View

from bot.assessments.service import NAME_LIMIT, AssessmentInfo, StoreOutcome
from bot.i18n import Catalog

if TYPE_CHECKING:
    from bot.assessments.analysis import Analysis

CALLBACK_ID = "assessment_upload"
FILE_BLOCK, NAME_BLOCK, DATE_BLOCK, COLUMN_BLOCK = "upload_file", "upload_name", "upload_date", "upload_column"
FILETYPES = ["csv", "xlsx", "xls"]
INTERVENTION, EXTENSION = "intervention", "extension"  # bot.assessments.analysis groups
NAMES_SHOWN = 200  # a message holds at most this many names per list


@dataclass(frozen=True)
class UploadDraft:
    file: dict[str, Any] | None
    name: str
    taken_on: date | None
    column: str | None


def upload_modal(catalog: Catalog, channel_id: str) -> dict[str, Any]:
    t = catalog.t
    blocks = [
        InputBlock(block_id=NAME_BLOCK, label=t("upload.fields.name"), hint=t("upload.fields.name_hint"),
                   element=PlainTextInputElement(action_id="name", max_length=NAME_LIMIT,
                                                 placeholder=t("upload.fields.name_placeholder"))),
        InputBlock(block_id=DATE_BLOCK, label=t("upload.fields.date"), optional=True,
                   element=DatePickerElement(action_id="date")),
        InputBlock(block_id=COLUMN_BLOCK, label=t("upload.fields.column"), hint=t("upload.fields.column_hint"),
                   optional=True, element=PlainTextInputElement(action_id="column", max_length=200)),
    ]
    view = View(type="modal", callback_id=CALLBACK_ID, title=t("upload.title"), submit=t("upload.submit"),
                close=t("common.cancel"), private_metadata=json.dumps({"channel_id": channel_id}),
                blocks=blocks).to_dict()
    # slack-sdk has no model for file_input yet: the block is written out.
    file_block = {
        "type": "input", "block_id": FILE_BLOCK,
        "label": {"type": "plain_text", "text": t("upload.fields.file")},
        "hint": {"type": "plain_text", "text": t("upload.fields.file_hint")},
        "element": {"type": "file_input", "action_id": "file", "filetypes": FILETYPES, "max_files": 1},
    }
    view["blocks"].insert(0, file_block)
    return view


def read_upload(values: dict[str, Any]) -> UploadDraft:
    def element(block_id: str, action_id: str) -> dict[str, Any]:
        block = values.get(block_id)
        found = block.get(action_id) if isinstance(block, dict) else None
        return found if isinstance(found, dict) else {}

    files = element(FILE_BLOCK, "file").get("files")
    file = files[0] if isinstance(files, list) and files and isinstance(files[0], dict) else None
    name = element(NAME_BLOCK, "name").get("value")
    column = element(COLUMN_BLOCK, "column").get("value")
    raw_date = element(DATE_BLOCK, "date").get("selected_date")
    try:
        taken_on = date.fromisoformat(raw_date) if isinstance(raw_date, str) else None
    except ValueError:
        taken_on = None
    return UploadDraft(file=file, name=name.strip() if isinstance(name, str) else "", taken_on=taken_on,
                       column=column.strip() or None if isinstance(column, str) else None)


def percent(catalog: Catalog, value: float, pattern: str = "#,##0.0") -> str:
    from bot.assessments.analysis import round_1

    shown = round_1(value) if pattern.endswith(".0") else value
    return catalog.t("assessments.percent", value=format_decimal(shown, format=pattern, locale=catalog.locale))


def _limits(catalog: Catalog, analysis: Analysis) -> dict[str, str]:
    return {"below": percent(catalog, analysis.thresholds.intervention_below, "#,##0.##"),
            "from_": percent(catalog, analysis.thresholds.extension_from, "#,##0.##")}


def channel_summary(catalog: Catalog, name: str, taken_on: date | None, teacher: str, outcome: StoreOutcome,
                    analysis: Analysis) -> str:
    """What the team channel sees: counts and percents only, never a student's name."""
    t = catalog.t
    if taken_on is not None:
        lines = [t("upload.summary.title_dated", name=name, date=catalog.date(taken_on), teacher=teacher)]
    else:
        lines = [t("upload.summary.title", name=name, teacher=teacher)]
    if outcome.duplicate:
        lines.append(t("upload.summary.duplicate", teacher=teacher))
    elif outcome.replaced:
        lines.append(t("upload.summary.replaced", teacher=teacher))
    limits = _limits(catalog, analysis)
    lines += ["", t("upload.summary.students", count=len(analysis.students), missing=len(analysis.missing)),
              t("upload.summary.groups", **limits, **analysis.groups), "",
              t("upload.summary.standards", below=limits["below"])]
    rows = analysis.standards[["standard", "percent", "below"]].itertuples(index=False, name=None)
    lines += [t("upload.summary.standard", standard=s, percent=percent(catalog, p), below=int(b))
              for s, p, b in rows] or [t("upload.summary.none")]
    lines += ["", t("upload.summary.teachers")]
    lines += [t("upload.summary.teacher", teacher=row["teacher"], students=int(row["students"]),
                mean=percent(catalog, row["mean"]))
              for row in analysis.teachers.to_dict("records")] or [t("upload.summary.none")]
    lines += ["", t("upload.summary.private_note")]
    return "\n".join(lines)


def _names(catalog: Catalog, names: Iterable[str]) -> str:
    listed = sorted(names)
    if not listed:
        return catalog.t("upload.private.nobody")
    shown = ", ".join(listed[:NAMES_SHOWN])
    return shown + (" …" if len(listed) > NAMES_SHOWN else "")


def student_lists(catalog: Catalog, name: str, analysis: Analysis, *, heading: str) -> str:
    """Who needs intervention / extension and who has no score: for one teacher or the facilitator."""
    t = catalog.t
    frame = analysis.students
    limits = _limits(catalog, analysis)
    return "\n".join([
        t(heading, name=name),
        t("upload.private.intervention", below=limits["below"],
          names=_names(catalog, frame.loc[frame["group"] == INTERVENTION, "student"])),
        t("upload.private.extension", from_=limits["from_"],
          names=_names(catalog, frame.loc[frame["group"] == EXTENSION, "student"])),
        t("upload.private.missing", names=_names(catalog, analysis.missing)),
    ])


def data_list(catalog: Catalog, infos: list[AssessmentInfo]) -> str:
    t = catalog.t
    if not infos:
        return t("upload.data.empty")
    lines = [t("upload.data.title")]
    for info in infos:
        when = t("upload.data.entry_date", date=catalog.date(info.taken_on)) if info.taken_on else ""
        lines.append(t("upload.data.entry", name=info.name, date=when, rows=info.rows,
                       teachers=", ".join(f"<@{teacher}>" for teacher in info.teachers)))
    lines += ["", t("upload.data.usage")]
    return "\n".join(lines)
