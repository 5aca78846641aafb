"""An upload's whole way, as a job: fetch, read, store once, analyse, and tell each audience its part.

Plain Python: no Slack payload shapes here. Everything the job says or fetches goes through an
`UploadPort` (handlers/jobs/upload.py implements it with the Web API); the port makes each visible
effect happen once per job, so a job delivered again after a crash repeats nothing the team saw.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol

from bot.assessments.item_standards import MapProblem, MapReport, fill_standards, parse_item_map
from bot.assessments.service import AssessmentService, StoreOutcome

if TYPE_CHECKING:
    import pandas as pd

    from bot.assessments.analysis import Analysis
    from bot.assessments.readers import ReadProblem, ResultTable

CHOOSE_COLUMN = "choose_column"  # the key of the reader's problem: several assessments in one file


class TooLarge(Exception):
    """The file is larger than the deployment allows (PLC_MAX_UPLOAD_MB)."""


class FileGone(Exception):
    """The file host refused the file for good (deleted, no access): trying again will not help.

    A slow or unreachable host raises anything else, and the job is tried again later.
    """


@dataclass(frozen=True)
class UploadRequest:
    """One teacher's results file for one of the team's assessments, as the job receives it."""

    team_id: int
    user_id: str
    name: str
    file_name: str
    url: str | None
    taken_on: date | None = None
    file_id: str | None = None
    file_size: int | None = None
    column: str | None = None
    # The place of the chosen assessment in the list that reading with `column` offers.
    column_index: int | None = None
    covers: str | None = None

    def to_payload(self) -> dict[str, Any]:
        data = asdict(self)
        data["taken_on"] = self.taken_on.isoformat() if self.taken_on else None
        return data

    @classmethod
    def from_payload(cls, data: dict[str, Any]) -> UploadRequest:
        values = {k: data.get(k) for k in cls.__dataclass_fields__}
        raw = values.get("taken_on")
        values["taken_on"] = date.fromisoformat(raw) if isinstance(raw, str) and raw else None
        return cls(**values)


class UploadPort(Protocol):
    """What an upload job needs from the outside world (Slack, in production)."""

    def fetch(self, url: str, limit: int) -> bytes:
        """The file's bytes; TooLarge past `limit`, FileGone when refused for good."""

    def refuse(self, key: str, **params: Any) -> None:
        """Tell the uploader why nothing was stored (a catalog key of upload texts)."""

    def refuse_read(self, problem: ReadProblem, file_name: str) -> None:
        """Tell the uploader what in the file could not be read (row, column)."""

    def refuse_map(self, problem: MapProblem, file_name: str) -> None:
        """Tell the uploader why the form's map of items to standards stopped the upload."""

    def ask_column(self, problem: ReadProblem, request: UploadRequest) -> bool:
        """Ask which of the file's assessments to read; False when that cannot be asked."""

    def summary(self, request: UploadRequest, outcome: StoreOutcome, analysis: Analysis,
                results: pd.DataFrame, mapped: MapReport | None = None) -> None:
        """The team's aggregates (no names) where the team is talking; `mapped`: what the form's map did."""

    def chart(self, request: UploadRequest, results: pd.DataFrame, analysis: Analysis) -> None:
        """The chart by standard and teacher, beside the summary (with the team's misconceptions)."""

    def lists(self, request: UploadRequest, own: Analysis, team: Analysis,
              warnings: list[tuple[str, dict[str, Any]]]) -> None:
        """Student lists: the uploader's own students to them, the team's to the facilitators."""


def read_table(content: bytes, request: UploadRequest) -> ResultTable:
    """read_results, with an assessment chosen by its place in the list that a question offered."""
    from bot.assessments.readers import ReadProblem, read_results

    try:
        return read_results(content, filename=request.file_name, column=request.column, teacher=request.user_id)
    except ReadProblem as problem:
        columns = (problem.params or {}).get("columns")
        index = request.column_index
        if (problem.key.rpartition(".")[2] != CHOOSE_COLUMN or index is None or not isinstance(columns, list)
                or not 0 <= index < len(columns)):
            raise
        return read_results(content, filename=request.file_name, column=str(columns[index]),
                            teacher=request.user_id)


def apply_item_map(table: ResultTable, covers: str | None) -> MapReport | None:
    """Give the table's items the standards that `covers` maps them to, when it is a map (the file's
    own standards win); None when `covers` is only a unit's description. MapProblem when it is wrong."""
    item_map = parse_item_map(covers)
    if item_map is None:
        return None
    items = list(dict.fromkeys(str(item) for item in table.results["item"]))
    table.results, report = fill_standards(table.results, item_map.resolve(items))
    return report


def run_upload(assessments: AssessmentService, port: UploadPort, request: UploadRequest, *, limit: int,
               store_key: str) -> StoreOutcome | None:
    """Fetch, read, store once (under `store_key`), analyse, report. None when nothing was stored."""
    from bot.assessments.analysis import analyse
    from bot.assessments.readers import ReadProblem

    if request.file_size is not None and request.file_size > limit:
        port.refuse("upload.errors.too_large", file=request.file_name, limit=limit // (1024 * 1024))
        return None
    if not request.url:
        port.refuse("upload.errors.download_failed", file=request.file_name)
        return None
    try:
        content = port.fetch(request.url, limit)
    except TooLarge:
        port.refuse("upload.errors.too_large", file=request.file_name, limit=limit // (1024 * 1024))
        return None
    except FileGone:
        port.refuse("upload.errors.download_failed", file=request.file_name)
        return None
    try:
        table = read_table(content, request)
    except ReadProblem as problem:
        if not port.ask_column(problem, request):
            port.refuse_read(problem, request.file_name)
        return None
    try:
        mapped = apply_item_map(table, request.covers)
    except MapProblem as problem:  # the whole upload is refused: nothing half-mapped is stored
        port.refuse_map(problem, request.file_name)
        return None
    outcome = assessments.store(request.team_id, request.name, request.taken_on, request.user_id,
                                request.file_name, content, table, covers=request.covers, effect_key=store_key)
    results = assessments.team_results(request.team_id, request.name)
    thresholds = assessments.policy(request.team_id).thresholds()
    analysis = analyse(results, thresholds)
    port.summary(request, outcome, analysis, results, mapped)
    if outcome.duplicate:
        return outcome  # nothing changed: no new chart, no new lists
    port.chart(request, results, analysis)
    own = analyse(results.loc[results["teacher"] == request.user_id].reset_index(drop=True), thresholds)
    port.lists(request, own, analysis, list(table.warnings))
    return outcome
