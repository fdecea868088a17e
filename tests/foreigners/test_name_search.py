"""Tolerant name search (foreigners.phonetic, foreigners.selectors.name_filter): one
implementation behind the HTML list, the API search, the picker and exports."""

import pytest
from django.db import connection
from django.urls import reverse

from agencies.access import Level
from agencies.services import policy_set
from foreigners.filters import foreigners_filtered
from foreigners.models import Foreigner
from foreigners.phonetic import name_keys, word_key
from tests.factories import ForeignerFactory

SOREANG = "73.72.03.1001"


def person(given, family, **kwargs):
    return ForeignerFactory(
        given_names=given, family_name=family, residence_region_id=SOREANG, **kwargs
    )


def found(user, text, key="q"):
    qs, errors = foreigners_filtered(user, {key: text})
    assert not errors
    return [f.full_name for f in qs]


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("mohamad", "muhammad"),
        ("mohamad", "mohammed"),
        ("mohamad", "mohammadi"),
        ("evens", "evans"),
        ("emelia", "amelia"),
        ("achmad", "ahmad"),
        ("soekarno", "sukarno"),
        ("yusuf", "joseph"),
    ],
)
def test_spellings_of_one_name_share_a_key(typed, stored):
    assert word_key(typed) == word_key(stored)


@pytest.mark.parametrize(("one", "other"), [("evans", "owens"), ("madi", "mohammed")])
def test_different_names_keep_different_keys(one, other):
    assert word_key(one) != word_key(other)


def test_words_with_digits_are_matched_as_typed(polres_officer):
    assert word_key("nm6q") == ""
    person("Test", "Nm6q")
    person("Test", "Nm7q")
    assert found(polres_officer, "nm6q") == ["Test Nm6q"]


def test_keys_are_written_with_the_name_and_follow_a_rename(polres_officer):
    amelia = person("Amelia", "Evans")
    assert Foreigner.objects.get(pk=amelia.pk).name_keys == "0aml 0afns"
    amelia.family_name = "Owens"
    amelia.save(update_fields=["family_name"])
    assert Foreigner.objects.get(pk=amelia.pk).name_keys == name_keys("amelia owens")


def test_typo_finds_the_name(polres_officer):
    person("Amelia", "Evans")
    person("Amelia", "Owens")
    assert found(polres_officer, "Amelia Evens") == ["Amelia Evans"]


def test_accent_and_case_do_not_matter(polres_officer):
    person("Emelia", "Rossi")
    assert found(polres_officer, "Émelia") == ["Emelia Rossi"]
    assert found(polres_officer, "ROSSI émelia") == ["Emelia Rossi"]


def test_transliterations_of_mohammed_find_each_other(polres_officer):
    for given in ("Muhammad", "Mohammed", "Mohammadi"):
        person(given, "Karimi")
    person("Madi", "Karimi")
    assert sorted(found(polres_officer, "Mohamad")) == [
        "Mohammadi Karimi",
        "Mohammed Karimi",
        "Muhammad Karimi",
    ]


def test_word_order_is_free_and_prefixes_still_match(polres_officer):
    person("Jörg", "Müller")
    assert found(polres_officer, "mull jo") == ["Jörg Müller"]
    assert found(polres_officer, "muller jorg") == ["Jörg Müller"]


def test_every_word_must_match(polres_officer):
    person("Amelia", "Evans")
    assert found(polres_officer, "Amelia Tanaka") == []


def test_literal_matches_rank_above_phonetic_ones(polres_officer):
    # Created in the reverse of the expected order, and with names that sort the other way.
    person("Amelia", "Avens")
    person("Emelia", "Evens")
    person("Amelia", "Evens")
    assert found(polres_officer, "amelia evens") == [
        "Amelia Evens",  # both words literal
        "Amelia Avens",  # one literal ("amelia" sorts before "emelia")
        "Emelia Evens",  # one literal
    ]


def test_html_list_api_search_and_picker_answer_alike(client, polres_officer):
    wanted = person("Muhammad", "Rahman")
    person("Hiro", "Tanaka")
    client.force_login(polres_officer)
    page = client.get(reverse("foreigner-list"), {"q": "Mohamad Rachman"})
    assert reverse("foreigner-detail", args=[wanted.pk]) in page.content.decode()
    api = client.post(
        reverse("api-foreigner-search"),
        {"name": "Mohamad Rachman"},
        content_type="application/json",
    )
    assert [row["id"] for row in api.json()["results"]] == [wanted.pk]
    picker = client.get(reverse("foreigner-lookup"), {"q": "mohamad"})
    assert [row["id"] for row in picker.json()["results"]] == [wanted.pk]


def test_ranked_list_pages_by_keyset_without_losing_rows(client, polres_officer, monkeypatch):
    monkeypatch.setattr("foreigners.selectors.PAGE_SIZE", 2)
    people = [person(given, "Karimi") for given in ("Mohammed", "Muhammad", "Mohamad", "Mehmet")]
    client.force_login(polres_officer)
    seen, after = [], None
    for _ in range(3):
        params = {"q": "mohamad karimi", **({"after": after} if after else {})}
        response = client.get(reverse("foreigner-list"), params)
        page = response.context["page"]
        seen += [f.pk for f in page.rows]
        after = page.next_cursor
        if after is None:
            break
    assert seen[0] == people[2].pk  # the literal match first
    assert sorted(seen) == sorted(p.pk for p in people)


def test_name_search_uses_the_index(polres_officer):
    qs, _ = foreigners_filtered(polres_officer, {"q": "mohamad"})
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "foreigner_name_search_idx" in plan


def test_name_search_is_refused_without_the_identity_category(client, polres_officer, regions):
    """Differential: whether a Mohammed lives in scope or not, a principal who may not read
    identities gets the same refusal from the list, the API and the export."""
    policy_set(agency_kind="polres", category="identity", level=Level.NONE)
    client.force_login(polres_officer)

    def answers():
        page = client.get(reverse("foreigner-list"), {"q": "Mohamad"})
        api = client.post(
            reverse("api-foreigner-search"), {"name": "Mohamad"}, content_type="application/json"
        )
        export = client.get(reverse("export", args=["foreigners", "csv"]), {"q": "Mohamad"})
        body = page.content.decode()
        return (
            page.status_code,
            'role="alert"' in body,
            "Karimi" in body,
            api.status_code,
            sorted(api.json()),
            export.status_code,
            b"Karimi" in export.content,
        )

    without = answers()
    person("Mohammed", "Karimi")
    assert answers() == without
    assert without[1] and without[3] == 400 and without[4] == ["name"]
    assert foreigners_filtered(polres_officer, {"q": "Mohamad"})[1].keys() == {"q"}
