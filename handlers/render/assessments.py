"""The upload modal and the texts of `/plc upload` and `/plc data` (aggregates vs student names)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from babel.numbers import format_decimal
from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    DatePickerElement,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.assessments.service import COVERS_LIMIT, NAME_LIMIT, AssessmentInfo, StoreOutcome
from bot.i18n import Catalog
from handlers.form_state import date_value, entry, text_value
from handlers.render.reflections import escaped

if TYPE_CHECKING:
    from bot.assessments.analysis import Analysis
    from bot.assessments.item_standards import MapReport

CALLBACK_ID = "assessment_upload"
FILE_BLOCK, NAME_BLOCK, DATE_BLOCK, COLUMN_BLOCK = "upload_file", "upload_name", "upload_date", "upload_column"
COVERS_BLOCK = "upload_covers"
FILETYPES = ["csv", "xlsx", "xls"]
INTERVENTION, EXTENSION = "intervention", "extension"  # bot.assessments.analysis groups
NAMES_SHOWN = 200  # a message holds at most this many names per list


@dataclass(frozen=True)
class UploadDraft:
    file: dict[str, Any] | None
    name: str
    taken_on: date | None
    column: str | None
    # The place of the chosen assessment in the list that reading with `column` offers: a title
    # too long for a menu option is chosen by its place (see column_question).
    column_index: int | None = None
    covers: str | None = None  # the unit or standards the assessment covers (optional)


def upload_modal(catalog: Catalog, channel_id: str) -> dict[str, Any]:
    t = catalog.t
    blocks = [
        InputBlock(block_id=NAME_BLOCK, label=t("upload.fields.name"), hint=t("upload.fields.name_hint"),
                   element=PlainTextInputElement(action_id="name", max_length=NAME_LIMIT,
                                                 placeholder=t("upload.fields.name_placeholder"))),
        InputBlock(block_id=DATE_BLOCK, label=t("upload.fields.date"), optional=True,
                   element=DatePickerElement(action_id="date")),
        InputBlock(block_id=COVERS_BLOCK, label=t("upload.fields.covers"), optional=True,
                   element=PlainTextInputElement(action_id="covers", max_length=COVERS_LIMIT,
                                                 placeholder=t("upload.fields.covers_placeholder")),
                   hint=t("upload.fields.covers_hint")),
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
    files = entry(values, FILE_BLOCK, "file").get("files")
    file = files[0] if isinstance(files, list) and files and isinstance(files[0], dict) else None
    column, covers = text_value(values, COLUMN_BLOCK, "column"), text_value(values, COVERS_BLOCK, "covers")
    return UploadDraft(file=file, name=text_value(values, NAME_BLOCK, "name"),
                       taken_on=date_value(values, DATE_BLOCK, "date"), column=column or None, covers=covers or None)


def percent(catalog: Catalog, value: float, pattern: str = "#,##0.0") -> str:
    from bot.assessments.analysis import round_1

    shown = round_1(value) if pattern.endswith(".0") else value
    return catalog.t("assessments.percent", value=format_decimal(shown, format=pattern, locale=catalog.locale))


def _limits(catalog: Catalog, analysis: Analysis) -> dict[str, str]:
    return {"below": percent(catalog, analysis.thresholds.intervention_below, "#,##0.##"),
            "from_": percent(catalog, analysis.thresholds.extension_from, "#,##0.##")}


def channel_summary(catalog: Catalog, name: str, taken_on: date | None, teacher: str, outcome: StoreOutcome,
                    analysis: Analysis, progress: list[str] | None = None, mapped: MapReport | None = None) -> str:
    """What the team channel sees: counts and percents only, never a student's name.

    `mapped`: what the form's map of items to standards did (the file's own standards win)."""
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
    if mapped is not None and not outcome.duplicate:
        lines += map_lines(catalog, mapped)
    lines += _misconception_lines(catalog, analysis)
    lines += ["", t("upload.summary.teachers")]
    # A file with sections (a ZipGrade export's class periods) has one row per teacher and section.
    lines += [t("upload.summary.teacher_section" if row.get("section") else "upload.summary.teacher",
                teacher=row["teacher"], section=escaped(str(row.get("section") or "")), students=int(row["students"]),
                mean=percent(catalog, row["mean"]))
              for row in analysis.teachers.to_dict("records")] or [t("upload.summary.none")]
    if progress:
        lines += ["", *progress]
    lines += ["", t("upload.summary.private_note")]
    return "\n".join(lines)


MISCONCEPTIONS_SHOWN = 3


def _misconception_lines(catalog: Catalog, analysis: Analysis) -> list[str]:
    """The most missed items that have chosen answers (up to 3), each with the wrong answer most chosen.

    Counts only: how many missed the item, how many of them chose that answer, how many left it blank.
    """
    from bot.assessments.cli import misconception_text

    t = catalog.t
    lines = []
    frame = analysis.misconceptions
    for item, standard, value, key, missed, blank, answer, chosen in frame.loc[frame["missed"] > 0].head(
            MISCONCEPTIONS_SHOWN).itertuples(index=False, name=None):
        text = misconception_text(catalog, missed=int(missed), blank=int(blank), answer=answer, chosen=int(chosen),
                                  key=key, escape=escaped)
        lines.append(t("upload.summary.misconception", item=item, standard=standard or t("assessments.no_standard"),
                       percent=percent(catalog, value), text=text))
    return ["", t("upload.summary.misconceptions"), *lines] if lines else []


def map_lines(catalog: Catalog, mapped: MapReport) -> list[str]:
    """What a map of items to standards did at upload: filled, kept the file's own, or nothing."""
    from bot.assessments.item_standards import shown_items as shown

    lines = []
    if mapped.filled:
        lines.append(catalog.t("upload.map.filled", items=shown(mapped.filled)))
    if mapped.kept:
        lines.append(catalog.t("upload.map.kept", items=shown(mapped.kept)))
    return lines or [catalog.t("upload.map.nothing")]


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
        covers = t("upload.data.entry_covers", covers=info.covers) if info.covers else ""
        kept = t("upload.data.entry_kept", date=catalog.date(info.kept_until)) if info.kept_until else ""
        lines.append(t("upload.data.entry", name=info.name, date=when, rows=info.rows, covers=covers, kept=kept,
                       teachers=", ".join(f"<@{teacher}>" for teacher in info.teachers)))
    lines += ["", t("upload.data.usage")]
    return "\n".join(lines)


# A file with several assessments (a gradebook): the uploader picks one in a menu, then presses a
# button whose value says how to read the file again (handlers/actions/upload.py).
CHOOSE_COLUMN_BLOCK = "upload_choose_column"
CHOOSE_COLUMN_ACTION = "upload_choose_column"  # the menu: Slack reports each choice, the button reads it
READ_COLUMN_ACTION = "upload_read_column"
MENU_OPTIONS, OPTION_TEXT = 100, 75  # Slack's limits: options in a static_select, characters of an option
BY_PLACE = "#"  # an option value "#3" is the fourth assessment of the list (its title is too long)


@dataclass(frozen=True)
class RedoUpload:
    """What the "Read this one" button carries: enough to fetch and read the file again."""

    file_id: str
    name: str
    taken_on: date | None
    column: str | None  # what the uploader typed in the form, which the offered list depends on
    covers: str | None = None


def _option_value(index: int, title: str) -> str:
    if len(title) <= OPTION_TEXT and not title.startswith(BY_PLACE):
        return title
    return f"{BY_PLACE}{index}"


def _option_text(title: str) -> str:
    return title if len(title) <= OPTION_TEXT else title[:OPTION_TEXT - 1] + "…"


def column_question(catalog: Catalog, *, file_id: str, file_name: str, draft: UploadDraft,
                    columns: list[str]) -> tuple[str, list[dict[str, Any]]]:
    """The text and blocks that ask the uploader which assessment of the file to read."""
    t = catalog.t
    question = t("upload.choose.question", file=file_name, count=len(columns), name=draft.name)
    text = question
    if len(columns) > MENU_OPTIONS:
        text += "\n" + t("upload.choose.too_many", shown=MENU_OPTIONS, count=len(columns))
    options = [Option(value=_option_value(i, title), text=_option_text(title))
               for i, title in enumerate(columns[:MENU_OPTIONS])]
    redo = {"file": file_id, "name": draft.name,
            "date": draft.taken_on.isoformat() if draft.taken_on else None, "column": draft.column,
            "covers": draft.covers}
    blocks = [
        SectionBlock(text=MarkdownTextObject(text=text)),
        ActionsBlock(block_id=CHOOSE_COLUMN_BLOCK, elements=[
            StaticSelectElement(action_id=CHOOSE_COLUMN_ACTION, placeholder=t("upload.choose.placeholder"),
                                options=options),
            ButtonElement(action_id=READ_COLUMN_ACTION, text=t("upload.choose.button"), style="primary",
                          value=json.dumps(redo, ensure_ascii=False)),
        ]),
    ]
    return question, [block.to_dict() for block in blocks]


def read_redo(value: Any) -> RedoUpload | None:
    """The button's value, or None when it is not one that column_question wrote."""
    try:
        data = json.loads(value) if isinstance(value, str) else None
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    file_id, name, raw_date, column = data.get("file"), data.get("name"), data.get("date"), data.get("column")
    covers = data.get("covers")
    if not isinstance(file_id, str) or not file_id or not isinstance(name, str) or not name.strip():
        return None
    try:
        taken_on = date.fromisoformat(raw_date) if isinstance(raw_date, str) else None
    except ValueError:
        taken_on = None
    return RedoUpload(file_id, name.strip()[:NAME_LIMIT], taken_on, column if isinstance(column, str) else None,
                      covers[:COVERS_LIMIT] if isinstance(covers, str) else None)


def chosen_column(state: Any) -> str | None:
    """The value of the option chosen in the menu, from a block_actions payload's `state`."""
    values = state.get("values") if isinstance(state, dict) else None
    for block in (values or {}).values() if isinstance(values, dict) else ():
        entry = block.get(CHOOSE_COLUMN_ACTION) if isinstance(block, dict) else None
        option = entry.get("selected_option") if isinstance(entry, dict) else None
        value = option.get("value") if isinstance(option, dict) else None
        if isinstance(value, str) and value:
            return value
    return None


def chosen_draft(redo: RedoUpload, file: dict[str, Any], choice: str) -> UploadDraft:
    """The upload to run again with the chosen assessment: by its title, or by its place in the list."""
    place = choice[len(BY_PLACE):]
    if choice.startswith(BY_PLACE) and place.isdigit():
        return UploadDraft(file=file, name=redo.name, taken_on=redo.taken_on, column=redo.column,
                           column_index=int(place), covers=redo.covers)
    return UploadDraft(file=file, name=redo.name, taken_on=redo.taken_on, column=choice, covers=redo.covers)
