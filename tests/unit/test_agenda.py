"""Protocol templates in both languages, the agenda builder, question tags and rotating roles."""

import pytest

from bot.i18n import catalog
from bot.meetings.agenda import (
    AgendaItem,
    Protocol,
    build_agenda,
    load_protocol,
    parse_question_tag,
    protocol_names,
    rotate_roles,
)

LANGUAGES = ("en", "tr")


def shape(protocol: Protocol) -> list[tuple[int, int]]:
    return [(item.minutes, item.question) for item in protocol.items]


def test_protocol_names_are_the_same_in_every_language() -> None:
    assert protocol_names() == ["data_review", "student_work", "unit_planning", "intervention_extension"]
    for language in LANGUAGES:
        assert catalog(language).list("protocols.order") == protocol_names()


@pytest.mark.parametrize("key", protocol_names())
def test_both_languages_load_the_same_protocol(key: str) -> None:
    en, tr = load_protocol(key, "en"), load_protocol(key, "tr")
    assert len(en.items) == len(tr.items) >= 5
    assert shape(en) == shape(tr)
    assert en.total_minutes == tr.total_minutes
    for protocol in (en, tr):
        assert protocol.key == key
        assert protocol.name and protocol.purpose
        for item in protocol.items:
            assert item.title and item.prompt
            assert item.minutes >= 2
            assert item.question in (0, 1, 2, 3, 4)
            assert item.source == "protocol" and item.added_by is None
    assert en.name != tr.name


@pytest.mark.parametrize("key", protocol_names())
def test_protocols_take_under_an_hour_and_start_and_end_with_housekeeping(key: str) -> None:
    protocol = load_protocol(key, "en")
    assert 45 <= protocol.total_minutes <= 60
    assert protocol.items[0].question == 0
    assert protocol.items[-1].question == 0


@pytest.mark.parametrize(("key", "questions"), [
    ("data_review", {2, 3, 4}),
    ("student_work", {2, 3}),
    ("unit_planning", {1, 2}),
    ("intervention_extension", {3, 4}),
])
def test_protocols_serve_the_questions_they_are_for(key: str, questions: set[int]) -> None:
    served = {item.question for item in load_protocol(key, "en").items}
    assert questions <= served


def test_every_question_has_a_label_in_both_languages() -> None:
    for language in LANGUAGES:
        texts = catalog(language)
        for q in range(5):
            assert texts.t(f"protocols.questions.q{q}")
            assert texts.t(f"protocols.questions_short.q{q}")
    assert catalog("tr").t("protocols.questions_short.q3") == "Destekleme"
    assert catalog("tr").t("protocols.questions_short.q4") == "Zenginleştirme"


def test_unknown_protocol_is_a_key_error() -> None:
    with pytest.raises(KeyError):
        load_protocol("fishbowl", "en")


def test_turkish_protocols_use_the_terms_turkish_teachers_use() -> None:
    text = " ".join(
        f"{item.title} {item.prompt}" for key in protocol_names() for item in load_protocol(key, "tr").items
    )
    for term in ("kazanım", "ortak değerlendirme", "öğrenme hedef", "zenginleştir", "Destekleme", "Akran"):
        assert term in text, term


def toy_protocol() -> Protocol:
    return Protocol(key="toy", name="Toy", purpose="", items=(
        AgendaItem("norms", 4, 0),
        AgendaItem("learn", 10, 1),
        AgendaItem("know a", 10, 2),
        AgendaItem("know b", 10, 2),
        AgendaItem("respond", 10, 3),
        AgendaItem("commit", 6, 0),
    ))


def test_member_items_go_after_the_last_item_serving_their_question() -> None:
    agenda = build_agenda(toy_protocol(), [("reteach fractions", 3, "U1"), ("exit tickets", 2, "U2"),
                                           ("second for q2", 2, "U3"), ("enrichment", 4, "U1")], 120)
    assert [item.title for item in agenda] == [
        "norms", "learn", "know a", "know b", "exit tickets", "second for q2", "respond", "reteach fractions",
        "commit", "enrichment",
    ]
    member = agenda[4]
    assert (member.source, member.question, member.added_by, member.minutes) == ("member", 2, "U2", 5)


def test_member_items_slot_into_a_real_protocol() -> None:
    protocol = load_protocol("data_review", "en")
    agenda = build_agenda(protocol, [("Share the fractions quiz", 2, "U1")], 90)
    last_q2 = max(i for i, item in enumerate(protocol.items) if item.question == 2)
    assert agenda[last_q2 + 1].title == "Share the fractions quiz"
    assert agenda[:last_q2 + 1] == list(protocol.items[:last_q2 + 1])


def test_long_meeting_keeps_the_time_boxes() -> None:
    protocol = toy_protocol()
    agenda = build_agenda(protocol, [("x", 1, "U1")], 90)
    assert [item.minutes for item in agenda if item.source == "protocol"] == [4, 10, 10, 10, 10, 6]
    assert sum(item.minutes for item in agenda) == 55


@pytest.mark.parametrize("key", protocol_names())
def test_agenda_fits_a_45_minute_meeting(key: str) -> None:
    protocol = load_protocol(key, "tr")
    members = [("a", 1, "U1"), ("b", 3, "U2"), ("c", 4, "U3")]
    agenda = build_agenda(protocol, members, 45, review_title="Geçen toplantının sözleri")
    assert len(agenda) == len(protocol.items) + 4
    assert sum(item.minutes for item in agenda) <= 45
    assert min(item.minutes for item in agenda) >= 2
    assert [item.minutes for item in agenda if item.source == "member"] == [5, 5, 5]
    assert agenda[0].minutes == 5
    # proportional: the longest protocol item is still at least as long as every other one
    scaled = [item for item in agenda if item.source == "protocol"]
    longest = max(range(len(protocol.items)), key=lambda i: protocol.items[i].minutes)
    assert scaled[longest].minutes == max(item.minutes for item in scaled)
    assert [item.title for item in scaled] == [item.title for item in protocol.items]


def test_tight_meeting_uses_every_minute_and_order_of_sizes() -> None:
    agenda = build_agenda(toy_protocol(), [], 30)
    minutes = [item.minutes for item in agenda]
    assert sum(minutes) == 30
    assert minutes[0] <= minutes[1] and minutes[-1] <= minutes[1]
    assert min(minutes) >= 2


def test_very_short_meeting_shrinks_member_items_but_drops_nothing() -> None:
    agenda = build_agenda(toy_protocol(), [("a", 1, "U1"), ("b", 2, "U1")], 14, review_title="Review")
    assert len(agenda) == 9
    assert agenda[0].minutes == 5  # the review keeps its time box
    assert all(item.minutes == 2 for item in agenda[1:])  # the rest at the 2-minute floor, still longer than 14


def test_review_item_comes_first() -> None:
    agenda = build_agenda(toy_protocol(), [("a", 1, "U1")], 60, review_title="Commitments due", review_minutes=7)
    first = agenda[0]
    assert (first.title, first.minutes, first.question, first.source) == ("Commitments due", 7, 0, "review")
    assert [item.source for item in agenda].count("review") == 1
    assert build_agenda(toy_protocol(), [], 60)[0].title == "norms"


def test_member_item_with_bad_question_is_refused() -> None:
    with pytest.raises(ValueError):
        build_agenda(toy_protocol(), [("a", 7, "U1")], 60)


@pytest.mark.parametrize(("text", "expected"), [
    ("q1 fractions pacing", (1, "fractions pacing")),
    ("Q2: exit tickets", (2, "exit tickets")),
    ("#3 reteach group", (3, "reteach group")),
    ("s4 enrichment", (4, "enrichment")),
    ("soru 3: kesirlerde destekleme grubu", (3, "kesirlerde destekleme grubu")),
    ("Soru 2) ortak değerlendirme", (2, "ortak değerlendirme")),
    ("q 2 quiz results", (2, "quiz results")),
    ("question 4: extension ideas", (4, "extension ideas")),
    ("k1 kazanımlar", (1, "kazanımlar")),
    ("  q3  ", (3, "")),
    ("Q1 :spaced colon", (1, "spaced colon")),
    ("talk about the field trip ", (None, "talk about the field trip")),
    ("q5 not a question", (None, "q5 not a question")),
    ("q12 items", (None, "q12 items")),
    ("sorun var", (None, "sorun var")),
    ("2 things", (None, "2 things")),
    ("", (None, "")),
])
def test_parse_question_tag(text: str, expected: tuple[int | None, str]) -> None:
    assert parse_question_tag(text) == expected


def test_roles_rotate_each_meeting() -> None:
    team = ["U1", "U2", "U3", "U4"]
    first = rotate_roles(team, 0)
    assert first == {"facilitator": "U1", "timekeeper": "U2", "recorder": "U3"}
    assert rotate_roles(team, 1) == {"facilitator": "U2", "timekeeper": "U3", "recorder": "U4"}
    assert rotate_roles(team, 3) == {"facilitator": "U4", "timekeeper": "U1", "recorder": "U2"}
    assert rotate_roles(team, 4) == first
    assert [rotate_roles(team, k)["facilitator"] for k in range(8)] == team * 2


def test_roles_with_few_members() -> None:
    assert rotate_roles(["U1"], 5) == {"facilitator": "U1", "timekeeper": "U1", "recorder": "U1"}
    pair0, pair1 = rotate_roles(["U1", "U2"], 0), rotate_roles(["U1", "U2"], 1)
    assert pair0["facilitator"] == "U1" and pair0["timekeeper"] == "U2"
    assert pair1["facilitator"] == "U2" and pair1["timekeeper"] == "U1"
    assert set(pair0.values()) == {"U1", "U2"}
    assert rotate_roles([], 3) == {"facilitator": None, "timekeeper": None, "recorder": None}
    assert rotate_roles(["U1", "U2"], 0, roles=("facilitator",)) == {"facilitator": "U1"}
