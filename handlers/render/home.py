"""The App Home tab of one person (views.publish): teams, next meetings, commitments, reflections, results."""

from __future__ import annotations

from babel.numbers import format_decimal
from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    Option,
    OverflowMenuElement,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.home.service import AssessmentSnapshot, HomeData
from bot.i18n import Catalog
from bot.reflections.service import shorten
from handlers.render.meeting import when
from handlers.render.reflections import entry_when, escaped

# The overflow menu beside each open commitment; its option values are "<what>:<commitment id>".
COMMITMENT_MENU_ACTION = "home_commitment"
MENU_DONE, MENU_MORE_TIME, MENU_DROP = "done", "more_time", "drop"
MAX_SECTION = 2900
REFLECTION_CHARS = 200
STANDARDS_SHOWN = 12


def _section(text: str) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=text[:MAX_SECTION]))


def commitment_menu(catalog: Catalog, commitment_id: int) -> OverflowMenuElement:
    """Done / Need more time / Drop, as in the due-date reminder."""
    return OverflowMenuElement(action_id=COMMITMENT_MENU_ACTION, options=[
        Option(text=catalog.t(f"commitments.buttons.{what}")[:75], value=f"{what}:{commitment_id}")
        for what in (MENU_DONE, MENU_MORE_TIME, MENU_DROP)])


def _header(catalog: Catalog, key: str) -> HeaderBlock:
    return HeaderBlock(text=catalog.t(key)[:150])


def _percent(catalog: Catalog, value: float) -> str:
    from bot.assessments.analysis import round_1

    return catalog.t("home.percent", value=format_decimal(round_1(value), format="#,##0.#", locale=catalog.locale))


def _limit(catalog: Catalog, value: float) -> str:
    return catalog.t("home.percent", value=format_decimal(value, format="#,##0.##", locale=catalog.locale))


def assessment_text(catalog: Catalog, team_name: str, snapshot: AssessmentSnapshot) -> str:
    """Aggregates only: the assessment, how many students, group sizes and the percent per standard."""
    t = catalog.t
    title = (t("home.assessments.title_dated", team=team_name, name=snapshot.name,
               date=catalog.date(snapshot.taken_on, format=t("home.date_format")))
             if snapshot.taken_on else t("home.assessments.title", team=team_name, name=snapshot.name))
    groups = {key: snapshot.groups.get(key, 0) for key in ("intervention", "on_track", "extension")}
    lines = [title, t("home.assessments.students", count=snapshot.students,
                      below=_limit(catalog, snapshot.intervention_below),
                      from_=_limit(catalog, snapshot.extension_from), **groups)]
    if snapshot.standards:
        shown = [t("home.assessments.standard", standard=s, percent=_percent(catalog, p))
                 for s, p in snapshot.standards[:STANDARDS_SHOWN]]
        lines.append(t("home.assessments.standards", standards=" · ".join(shown)))
    else:
        lines.append(t("home.assessments.no_standards"))
    return "\n".join(lines)


def home_view(catalog: Catalog, data: HomeData, coach: list[Block] | None = None) -> View:
    """The whole Home tab (well under Slack's 100 blocks: at most 10 teams and 15 commitments are listed).

    `coach`: a coach's section (handlers/render/coach_home.py), put first; then the person's own Home when
    they are in a team, nothing more when they are not."""
    if coach is not None:
        blocks = list(coach)
        if data.teams:
            blocks += [DividerBlock(), *member_blocks(catalog, data)]
        return View(type="home", callback_id="plc_home", blocks=blocks)
    return View(type="home", callback_id="plc_home", blocks=member_blocks(catalog, data))


def member_blocks(catalog: Catalog, data: HomeData) -> list[Block]:
    """A member's own Home: their teams, commitments, reflections and each team's latest results (at most 51)."""
    t = catalog.t
    blocks: list[Block] = [_header(catalog, "home.header"), _section(t("home.intro", user=data.user_id))]

    blocks += [DividerBlock(), _header(catalog, "home.teams.header")]
    if not data.teams:
        blocks.append(_section(t("home.teams.none")))
    for home in data.teams:
        team = home.team
        line = t("home.teams.line", name=team.name, channel=team.channel_id)
        meeting = (t("home.teams.next", when=when(catalog, home.next_meeting, team.timezone), timezone=team.timezone)
                   if home.next_meeting else t("home.teams.no_meeting"))
        blocks.append(_section(f"{line}\n{meeting}"))
    if data.more_teams:
        blocks.append(_section(t("home.teams.more", count=data.more_teams)))

    blocks += [DividerBlock(), _header(catalog, "home.commitments.header")]
    for item in data.commitments:
        text = escaped(shorten(item.text, REFLECTION_CHARS))
        if item.due_on is None:
            line = t("home.commitments.line", text=text, team=item.team_name)
        else:
            key = "home.commitments.overdue" if item.overdue else "home.commitments.due"
            line = t(key, text=text, team=item.team_name, date=catalog.date(item.due_on, format=t("home.date_format")))
        blocks.append(SectionBlock(block_id=f"commitment_{item.id}", text=MarkdownTextObject(text=line[:MAX_SECTION]),
                                   accessory=commitment_menu(catalog, item.id)))
    if not data.commitments:
        blocks.append(_section(t("home.commitments.none")))

    blocks += [DividerBlock(), _header(catalog, "home.reflections.header")]
    if not data.reflections:
        blocks.append(_section(t("home.reflections.none")))
    for entry in data.reflections:
        visibility = t("home.reflections.shared" if entry.shared else "home.reflections.private")
        blocks.append(_section(t("home.reflections.line", when=entry_when(catalog, entry.created_at,
                                                                          entry.team_timezone),
                                 team=entry.team_name, visibility=visibility,
                                 text=escaped(shorten(entry.text, REFLECTION_CHARS)))))
    if data.reflections:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=t("home.reflections.hint"))]))

    blocks += [DividerBlock(), _header(catalog, "home.assessments.header")]
    if not data.teams:
        blocks.append(_section(t("home.assessments.none")))
    for home in data.teams:
        blocks.append(_section(assessment_text(catalog, home.team.name, home.assessment) if home.assessment
                               else t("home.assessments.team_none", team=home.team.name)))

    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=t("home.privacy"))]))
    return blocks
