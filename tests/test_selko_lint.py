"""The selko lint: the rules on Finnish sentences, and the catalogues held to them."""

import os

import pytest

from selko.words import plain_language, selko_lint

needs_voikko = pytest.mark.skipif(
    not plain_language.grammar_available() and not os.environ.get("CI"),
    reason="Voikko (libvoikko1, voikko-fi) is not installed; CI installs it and fails without it",
)


def rules(text: str) -> set[str]:
    return {finding.rule for finding in plain_language.findings(text)}


@needs_voikko
def test_the_catalogues_pass_the_selko_lint():
    report = selko_lint.lint()
    assert report.grammar, "Voikko is missing"
    assert report.client_messages > 200
    assert not report.failures, selko_lint.render(report, show_warnings=False)


def test_without_voikko_the_lint_fails_on_ci(monkeypatch):
    monkeypatch.setattr(plain_language, "grammar_available", lambda: False)
    monkeypatch.setenv("CI", "true")
    assert any(p.rule == "Voikko missing" for p in selko_lint.lint().failures)


BREAKS = [
    ("long_sentence", "Kun tulet töihin, paina nappia ja odota hetki, niin työvalmentaja näkee sen heti.", "Paina nappia, kun tulet töihin."),
    ("passive", "Linkki lähetetään sinulle.", "Saat linkin."),
    ("passive_participle", "Linkki on kopioitu.", "Kopioit linkin."),
    ("passive_participle", "Saat muistutukset lukitulla näytöllä.", "Puhelin soi, kun näyttö on lukossa."),
    ("minen_noun", "Lopeta jakaminen.", "Poista linkki."),
    ("long_compound", "Tämä on työterveyshuoltolaki.", "Tämä on laki."),
    ("abbreviation", "Ota esim. kahvi.", "Tauko alkaa klo 10.00."),
    ("negative_question", "Etkö tule töihin?", "Tuletko töihin?"),
    ("near_long_sentence", "Tänään sinulla on kolme tehtävää ja yksi pitkä tauko.", "Tänään on kolme tehtävää."),
    ("rare_word", "Pääsyavain on valmis.", "Lukko on valmis."),
    ("us_noun", "Ilmoitus tulee puhelimeen.", "Puhelin soi."),
    ("active_participle", "Kirjautuneena voit katsoa päivää.", "Voit katsoa päivää."),
    ("infinitive", "Pese kädet ennen syömistä tai syödessä.", "Pese kädet. Syö sitten."),
    ("two_numbers", "Tauko on klo 10.00–10.15.", "Tauko alkaa klo 10.00."),
    ("my_command", "Katso tehtäväni.", "Katso sinun tehtäväsi."),
    ("perfect", "Olet lähettänyt viestin.", "Lähetit viestin."),
]


@needs_voikko
@pytest.mark.parametrize("rule, hard, plain", BREAKS, ids=[f"{b[0]}-{i}" for i, b in enumerate(BREAKS)])
def test_each_rule_finds_what_it_names_and_passes_the_plain_version(rule, hard, plain):
    assert rule in rules(hard)
    assert rule not in rules(plain)


@needs_voikko
def test_a_word_is_flagged_only_when_every_reading_agrees():
    # "Soita" reads as the imperative of soittaa and as a partitive of suo:
    # the command rule counts it, but no noun rule does.
    assert plain_language.findings("Soita työvalmentajalle.") == []
    # "Seuraava" is a participle only in form: it means "next".
    assert "active_participle" not in rules("Seuraava tauko alkaa pian.")
    # A negation with a past participle is the past tense, not a participle phrase.
    assert rules("Selko ei saanut tietoa.") == set()


@needs_voikko
def test_client_pages_have_one_name_for_one_thing(monkeypatch):
    from babel.messages.catalog import Catalog

    catalogue = Catalog(locale="fi")
    catalogue.add("Make a passkey", "Tee pääsyavain", locations=[("selko/auth/templates/auth/account.html", 1)])
    catalogue.add("Work ends", "Työ päättyy", locations=[("selko/client/templates/client/today.html", 1)])
    catalogue.add("Make a passkey for the coach", "Tee pääsyavain", locations=[("selko/coach/templates/coach/client.html", 1)])
    monkeypatch.setattr(selko_lint, "load", lambda language: catalogue if language == "fi" else Catalog(locale=language))
    monkeypatch.setattr(selko_lint, "messages_in_code", lambda: set())
    found = {(p.rule, p.msgid) for p in selko_lint.lint().failures if p.rule.startswith("say")}
    assert found == {("say 'lukko (Selkon lukko)'", "Make a passkey"), ("say 'loppua'", "Work ends")}


def test_placeholders_count_as_one_word_and_times_as_numbers():
    assert plain_language.tokens("Tauko alkaa klo %(time)s.") == ["Tauko", "alkaa", "klo", "%(time)s"]
    assert {f.rule for f in plain_language.findings("Työ klo %(start)s–%(end)s.")} >= {"two_numbers"}
    assert "two_numbers" not in {f.rule for f in plain_language.findings("%(name)s alkaa klo %(time)s.")}


def test_a_waiver_needs_a_reason_and_is_dropped_once_not_needed(monkeypatch, tmp_path):
    waivers = tmp_path / "exceptions.toml"
    waivers.write_text('["Stop sharing"]\nrules = ["minen_noun"]\nreason = ""\n\n["Nothing at all"]\nrules = ["no_such_rule"]\nreason = "x"\n')
    monkeypatch.setattr(selko_lint, "EXCEPTIONS", waivers)
    failures = {(p.rule, p.msgid) for p in selko_lint.lint().failures}
    assert ("waiver without a reason", "Stop sharing") in failures
    assert ("waiver of an unknown rule 'no_such_rule'", "Nothing at all") in failures
    assert any(rule.startswith("waiver no longer needed") and msgid == "Stop sharing" for rule, msgid in failures)


def test_catalogue_mistakes_are_failures():
    from babel.messages.catalog import Catalog

    catalogue = Catalog(locale="sv")
    catalogue.add("Work starts at %(time)s.", "Jobbet börjar kl. %(time)s.", locations=[("selko/words/labels.py", 1)])
    catalogue.add("Work ends at %(time)s.", "Jobbet slutar klockan %(tid)s.")
    catalogue.add("Open the page again.", "")
    catalogue.add("Give the client's name.", "Give the client's name.")
    catalogue.add(("%(num)s step", "%(num)s steps"), ("%(num)s steg",))
    catalogue.add("Old message", "Gammalt", flags=["fuzzy"])
    catalogue.add("Arrived %(time)s", "Kom %(time)s")
    in_code = {
        "Work starts at %(time)s.",
        "Work ends at %(time)s.",
        "Open the page again.",
        "Give the client's name.",
        "%(num)s step",
        "Old message",
        "New message",
        "Arrived %(time)s",
    }
    found = {(p.rule, p.msgid) for p in selko_lint._catalogue_problems("sv", catalogue, in_code)}
    assert found == {
        ("kl. or t.ex.", "Work starts at %(time)s."),
        ("placeholders", "Work ends at %(time)s."),
        ("missing", "Open the page again."),
        ("untranslated", "Give the client's name."),
        ("plural forms", "%(num)s step"),
        ("fuzzy", "Old message"),
        ("stale: not in the catalogue", "New message"),
        ("a time without klo", "Arrived %(time)s"),
        ("a time without klo", "Work starts at %(time)s."),  # "kl." is not "klockan"
    }


def test_every_client_message_has_a_translator_note_saying_where_it_is():
    catalogue = selko_lint.load("fi")
    client = [m for m in catalogue if m.id and selko_lint.client_place(m)]
    unnoted = [m.id for m in client if not any(c.startswith("Client:") and "selko" in c for c in m.auto_comments)]
    assert client and unnoted == [], "run `selko translate extract`"
    # A client source without a described place would leave translators guessing.
    described = [m for m in client if selko_lint.client_place(m).startswith("selko/")]
    assert described == [], [m.locations for m in described]


@pytest.mark.parametrize(
    "language, expected",
    [
        ("fi", ["Työ alkaa klo 8.00.", "maanantai 23.11.", "1 minuutin päästä", "23 minuutin päästä", "klo 11.30"]),
        ("sv", ["Jobbet börjar klockan 8.00.", "måndag 23 november", "om 1 minut", "om 23 minuter", "klockan 11.30"]),
        ("en", ["Work starts at 8:00.", "Monday 23 November", "in 1 minute", "in 23 minutes", "at 11:30"]),
    ],
)
def test_times_dates_and_durations_read_as_plain_language_guides_write_them(app, language, expected):
    from datetime import date, time

    from flask_babel import force_locale

    from selko.day.schedule import Event
    from selko.i18n import day_in_words, time_until
    from selko.words.client_words import event_text

    with app.test_request_context(), force_locale(language):
        said = [
            event_text(Event("work_start", time(8))),
            day_in_words(date(2026, 11, 23)),
            time_until(1, time(10)),
            time_until(23, time(10)),
            time_until(90, time(11, 30)),  # over an hour: by the clock
        ]
    assert said == expected
