"""A coach's view across teams: the coach section of the App Home, a team's details modal and the Monday digest.

Everything shown comes from bot.coaching (TeamRow, WeekChanges): counts, shares and dates of each team's
products and progress. Nothing here names a person: no student, no member, no reflection, no message.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import (
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.coaching.digest import WeekChanges
from bot.coaching.home import CoachHome
from bot.coaching.report import QUESTIONS, WINDOW, TeamRow
from bot.i18n import Catalog
from handlers.render.assessments import percent as _percent
from handlers.render.meeting import question_label
from handlers.render.plans import points
from handlers.render.reflections import escaped

DETAILS_ACTION = "coach_team_details"
DETAILS_CALLBACK = "coach_team_details"
MAX_SECTION = 2900
MAX_DIGEST_SECTIONS = 12  # of at most MAX_SECTION characters: under Slack's 40,000 in a message


def share(catalog: Catalog, value: float) -> str:
    """A percent for a coach: one decimal at most ("30%", "71.4%"; Turkish "%71,4")."""
    return _percent(catalog, value, "#,##0.#")


def _section(text: str, **extra: object) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=text[:MAX_SECTION]), **extra)  # type: ignore[arg-type]


def _day(catalog: Catalog, moment: datetime, zone: ZoneInfo) -> str:
    return catalog.date(moment.astimezone(zone).date(), format=catalog.t("coach_home.date_format"))


def _changes(catalog: Catalog, changes: Sequence[float]) -> str:
    return catalog.t("coach_home.list_separator").join(points(catalog, change) for change in changes)


def reasons(catalog: Catalog, row: TeamRow) -> list[str]:
    """The reasons a team may need support, in words (TeamRow.support, in its order)."""
    made = row.commitments_done + row.commitments_open
    return [catalog.t(f"coach_home.reasons.{reason}", rechecks=row.rechecks_overdue, overdue=row.commitments_overdue,
                      made=made) for reason in row.support]


def _goal_value(catalog: Catalog, row: TeamRow) -> str:
    t = catalog.t
    if row.goal is None:
        return t("coach_home.values.no_goal")
    target = share(catalog, row.goal.target_percent)
    if row.goal_percent is None:
        return t("coach_home.values.goal_unmeasured", target=target)
    return t("coach_home.values.goal", percent=share(catalog, row.goal_percent), target=target)


def team_text(catalog: Catalog, row: TeamRow) -> str:
    """A team's row on the coach's Home: a few lines of counts and shares."""
    t = catalog.t
    lines = [t("coach_home.home.team", name=escaped(row.name), channel=row.channel_id)]
    if row.support:
        lines.append(t("coach_home.home.support", reasons=t("coach_home.reason_separator").join(reasons(catalog, row))))
    lines.append(t("coach_home.home.meetings", held=row.meetings_held, scheduled=row.meetings_scheduled)
                 if row.meetings_scheduled else t("coach_home.home.meetings_unscheduled", held=row.meetings_held))
    if row.talk.total:
        questions = " · ".join(t("coach_home.home.talk_question", question=question_label(catalog, q),
                                 share=share(catalog, row.talk.share(q))) for q in QUESTIONS)
        lines.append(t("coach_home.home.talk", questions=questions, drift=share(catalog, row.talk.share(None))))
    else:
        lines.append(t("coach_home.home.talk_none"))
    norms = t("coach_home.values.norms_set" if row.norms_set else "coach_home.values.norms_missing")
    lines.append(t("coach_home.home.products", norms=norms, goal=_goal_value(catalog, row),
                   assessments=row.assessments))
    changes = t("coach_home.home.changes", changes=_changes(catalog, row.changes)) if row.changes else ""
    lines.append(t("coach_home.home.plans", planned=row.groups_planned, measured=row.groups_measured, changes=changes,
                   done=row.commitments_done, open=row.commitments_open, overdue=row.commitments_overdue))
    return "\n".join(lines)


def coach_blocks(catalog: Catalog, home: CoachHome) -> list[Block]:
    """The coach section of the Home: a header, one section per team (with its Details button), the rest counted.

    At most 3 + MAX_TEAMS + 1 blocks (24): with a member's own Home (at most 51) well under Slack's 100."""
    t = catalog.t
    zone = home.coach.zone
    blocks: list[Block] = [
        HeaderBlock(text=t("coach_home.home.header")[:150]),
        ContextBlock(elements=[MarkdownTextObject(text=t(
            "coach_home.home.intro", since=_day(catalog, home.now - WINDOW, zone),
            until=_day(catalog, home.now, zone)))]),
    ]
    if not home.rows:
        blocks.append(_section(t("coach_home.home.none")))
    for row in home.rows:
        button = ButtonElement(text=t("coach_home.home.details")[:75], action_id=DETAILS_ACTION, value=str(row.team_id))
        blocks.append(_section(team_text(catalog, row), block_id=f"coach_team_{row.team_id}", accessory=button))
    if home.more_teams:
        blocks.append(_section(t("coach_home.home.more", count=home.more_teams)))
    return blocks


def details_modal(catalog: Catalog, row: TeamRow, zone: ZoneInfo) -> View:
    """A team's full row, for its coach (views.open)."""
    t = catalog.t
    never = t("coach_home.details.never")
    last_meeting = _day(catalog, row.last_meeting, zone) if row.last_meeting else never
    lines_meetings = (t("coach_home.details.meetings", held=row.meetings_held, scheduled=row.meetings_scheduled,
                        last=last_meeting) if row.meetings_scheduled
                      else t("coach_home.details.meetings_unscheduled", held=row.meetings_held, last=last_meeting))
    if row.talk.total:
        talk = [t("coach_home.details.talk_header", total=row.talk.total)]
        talk += [t("coach_home.details.talk_line", question=t(f"protocols.questions.q{q}"),
                   share=share(catalog, row.talk.share(q)), count=row.talk.questions.get(q, 0)) for q in QUESTIONS]
        talk.append(t("coach_home.details.talk_drift", share=share(catalog, row.talk.share(None)),
                      count=row.talk.drift))
        other = 100.0 * row.talk.other / row.talk.total
        talk.append(t("coach_home.details.talk_other", share=share(catalog, other), count=row.talk.other))
        talk_text = "\n".join(talk)
    else:
        talk_text = t("coach_home.details.talk_none")
    norms = t("coach_home.values.norms_set" if row.norms_set else "coach_home.values.norms_missing")
    if row.goal is None:
        goal = t("coach_home.details.no_goal")
    else:
        params = {"standards": ", ".join(row.goal.standards), "target": share(catalog, row.goal.target_percent),
                  "due": catalog.date(row.goal.due_on, format=t("coach_home.date_format"))}
        goal = (t("coach_home.details.goal", percent=share(catalog, row.goal_percent), **params)
                if row.goal_percent is not None else t("coach_home.details.goal_unmeasured", **params))
    last_assessment = (catalog.date(row.last_assessment, format=t("coach_home.date_format"))
                       if row.last_assessment else never)
    changes = t("coach_home.home.changes", changes=_changes(catalog, row.changes)) if row.changes else ""
    products = "\n".join([
        t("coach_home.details.norms", norms=norms), goal,
        t("coach_home.details.assessments", count=row.assessments, last=last_assessment),
        t("coach_home.details.plans", planned=row.groups_planned, measured=row.groups_measured, changes=changes,
          rechecks=row.rechecks_overdue),
        t("coach_home.details.commitments", done=row.commitments_done, open=row.commitments_open,
          overdue=row.commitments_overdue),
    ])
    if row.support:
        support = "\n".join([t("coach_home.details.support_header")]
                            + [t("coach_home.details.support_line", reason=r) for r in reasons(catalog, row)])
    else:
        support = t("coach_home.details.no_support")
    blocks: list[Block] = [
        HeaderBlock(text=t("coach_home.details.header", name=row.name)[:150]),
        ContextBlock(elements=[MarkdownTextObject(text=t(
            "coach_home.details.channel", channel=row.channel_id, since=_day(catalog, row.since, zone),
            until=_day(catalog, row.until, zone)))]),
        _section(support), DividerBlock(), _section(lines_meetings), _section(talk_text), DividerBlock(),
        _section(products),
        ContextBlock(elements=[MarkdownTextObject(text=t("coach_home.details.chart_note"))]),
        ContextBlock(elements=[MarkdownTextObject(text=t("coach_home.details.privacy"))]),
    ]
    return View(type="modal", callback_id=DETAILS_CALLBACK, title=t("coach_home.details.title")[:24],
                close=t("coach_home.details.close")[:24], blocks=blocks)


# ---------------------------------------------------------------- the Monday digest
def _week_changes(catalog: Catalog, week: WeekChanges) -> str:
    t = catalog.t
    if week.quiet:
        return t("coach_home.digest.quiet")
    parts = []
    if week.meetings_held:
        parts.append(t("coach_home.digest.meetings", count=week.meetings_held))
    if week.assessments_given:
        parts.append(t("coach_home.digest.assessments", count=week.assessments_given))
    if week.changes:
        parts.append(t("coach_home.digest.measured", count=week.groups_measured,
                       changes=_changes(catalog, week.changes)))
    if week.commitments_done:
        parts.append(t("coach_home.digest.done", count=week.commitments_done))
    return " · ".join(parts)


def _packed(lines: list[str]) -> list[str]:
    """Lines joined into texts of at most MAX_SECTION characters (one section each)."""
    texts: list[str] = []
    current = ""
    for line in lines:
        if current and len(current) + 1 + len(line) > MAX_SECTION:
            texts.append(current)
            current = ""
        current = f"{current}\n{line}" if current else line
    if current:
        texts.append(current)
    return texts


def _capped(catalog: Catalog, sections: list[str], room: int) -> list[str]:
    """At most `room` sections: the last one says how many lines (teams) were left out."""
    if len(sections) <= room:
        return sections
    hidden = sum(part.count("\n") + 1 for part in sections[room - 1:])
    return [*sections[:room - 1], catalog.t("coach_home.digest.more", count=hidden)]


def digest_message(catalog: Catalog, weeks: list[WeekChanges], rows: list[TeamRow], since: datetime,
                   until: datetime, zone: ZoneInfo) -> tuple[str, list[Block]]:
    """The Monday DM: each team's week in counts, then the teams that may need support with the reasons."""
    t = catalog.t
    needing = [row for row in rows if row.support]
    summary = t("coach_home.digest.text", teams=len(weeks), support=len(needing))
    last_day = until.astimezone(zone).date() - timedelta(days=1)
    blocks: list[Block] = [
        HeaderBlock(text=t("coach_home.digest.header")[:150]),
        ContextBlock(elements=[MarkdownTextObject(text=t(
            "coach_home.digest.intro", since=_day(catalog, since, zone),
            until=catalog.date(last_day, format=t("coach_home.date_format"))))]),
    ]
    sections = _packed([t("coach_home.digest.team_line", name=escaped(w.name), channel=w.channel_id,
                          changes=_week_changes(catalog, w)) for w in weeks])
    support_lines = [t("coach_home.digest.support_line", name=escaped(row.name),
                       reasons=t("coach_home.reason_separator").join(reasons(catalog, row))) for row in needing]
    support = (_packed([t("coach_home.digest.support_header"), *support_lines]) if needing
               else [t("coach_home.digest.no_support")])
    # Far more teams than a message holds (Slack takes about 40,000 characters): the teams that may need
    # support come first, each week's changes get the room that is left.
    support = _capped(catalog, support, MAX_DIGEST_SECTIONS - 2)
    sections = _capped(catalog, sections, MAX_DIGEST_SECTIONS - len(support))
    blocks += [_section(part) for part in sections]
    blocks.append(DividerBlock())
    blocks += [_section(part) for part in support]
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=t("coach_home.digest.footer"))]))
    return summary, blocks
