"""The guideline pages through the test client: content, flows, errors, query counts."""

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from moskenes_social.people.models import User
from policy.models import Acknowledgement, GuidelineVersion, VersionStatus
from policy.selectors import version_draft
from policy.services import acknowledgement_create, rule_change, version_parameters_update
from tests.conftest import Persona
from tests.factories import make_user

from .factories import adopt, in_force, make_draft

pytestmark = pytest.mark.django_db


def _client(personas: dict[str, Persona], name: str) -> Client:
    return personas[name].client


def _user(personas: dict[str, Persona], name: str) -> User:
    user = personas[name].user
    assert user is not None
    return user


def test_guideline_reads_like_the_document_with_an_anchor_per_rule(
    personas: dict[str, Persona],
) -> None:
    response = _client(personas, "no_role").get(reverse("policy:current"))
    text = response.text
    assert "Veileder for bruk av sosiale medier" in text
    assert "vedtatt av AMU 14. desember 2015" in text
    for code in in_force().rules.values_list("code", flat=True):
        assert f'id="regel-{code}"' in text
        assert f'href="#regel-{code}"' in text
    assert '<h2 id="del-1">1. Felles grunnlag for bruk av sosiale medier</h2>' in text
    # Markdown is rendered: emphasis of the source becomes <em>/<strong>.
    assert "<em>Avgrensede aktiviteter:</em>" in text
    assert "<strong>Bruk din private e-postadresse</strong>" in text
    assert "Svarfrist" in text and "8 arbeidstimer" in text


def test_rule_text_is_sanitised(personas: dict[str, Persona]) -> None:
    radmann = _user(personas, "radmann")
    draft = make_draft(actor=radmann)
    rule = draft.rules.get(code="2-svar-snarest")
    rule_change(
        actor=radmann,
        rule=rule,
        section=rule.section,
        section_title=rule.section_title,
        heading=rule.heading,
        title=rule.title,
        text=(
            'Svar <script>alert(1)</script> [lenke](javascript:alert(1)) <img src=x onerror="x()">'
        ),
        category=rule.category,
        parameters=rule.parameters,
    )
    text = _client(personas, "radmann").get(reverse("policy:version_detail", args=[2])).text
    assert "<script>alert" not in text
    assert "javascript:" not in text
    assert "onerror" not in text


def test_a_draft_is_hidden_from_staff(personas: dict[str, Persona]) -> None:
    make_draft(actor=_user(personas, "radmann"))
    staff = _client(personas, "kommunikasjon")
    # A draft that exists answers like one that does not: its existence is not told.
    assert staff.get(reverse("policy:version_detail", args=[2])).status_code == 404
    assert "Versjon 2" not in staff.get(reverse("policy:version_list")).text
    assert "Versjon 2" in _client(personas, "radmann").get(reverse("policy:version_list")).text
    assert staff.get(reverse("policy:version_detail", args=[99])).status_code == 404


def test_start_page_asks_for_acknowledgement_until_given(personas: dict[str, Persona]) -> None:
    client = _client(personas, "leder")
    home = client.get(reverse("home")).text
    assert "Les versjon 1 av veilederen" in home
    response = client.post(
        reverse("policy:acknowledge", args=[1]), {"next": reverse("home")}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("home")
    assert "Du har bekreftet at du har lest versjon 1" in response.text
    assert "Les versjon 1 av veilederen" not in response.text
    assert Acknowledgement.objects.filter(user__username="leder").count() == 1
    # Twice is harmless.
    client.post(reverse("policy:acknowledge", args=[1]))
    assert Acknowledgement.objects.filter(user__username="leder").count() == 1


def test_acknowledge_ignores_an_unsafe_next(personas: dict[str, Persona]) -> None:
    response = _client(personas, "leder").post(
        reverse("policy:acknowledge", args=[1]), {"next": "https://evil.example/"}
    )
    assert response.headers["Location"] == reverse("policy:current")


def test_the_radmann_sees_who_has_and_has_not_acknowledged(personas: dict[str, Persona]) -> None:
    ordforer, leder = _user(personas, "ordforer"), _user(personas, "leder")
    acknowledgement_create(user=ordforer, version=in_force())
    text = _client(personas, "radmann").get(reverse("policy:acknowledgement_list", args=[1])).text
    not_read, read = text.split("<h2>Har lest</h2>")
    assert str(ordforer) in read and str(ordforer) not in not_read
    assert str(leder) in not_read and str(leder) not in read
    assert "1 av 6 brukere" in text


def test_acknowledgement_list_queries_do_not_grow_with_users(
    personas: dict[str, Persona], django_assert_max_num_queries: Any
) -> None:
    client = _client(personas, "radmann")
    url = reverse("policy:acknowledgement_list", args=[1])
    client.get(url)
    with django_assert_max_num_queries(12) as small:
        client.get(url)
    for n in range(30):
        user = make_user(username=f"ansatt{n}")
        if n % 2:
            acknowledgement_create(user=user, version=in_force())
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url)


@pytest.mark.parametrize("url_name", ["policy:current", "policy:version_list", "policy:compare"])
def test_reading_pages_query_counts_do_not_grow_with_versions(
    personas: dict[str, Persona], django_assert_max_num_queries: Any, url_name: str
) -> None:
    radmann = _user(personas, "radmann")
    client = _client(personas, "radmann")
    url = reverse(url_name)
    with time_machine.travel(dt.datetime(2024, 1, 15, 12, tzinfo=dt.UTC), tick=False):
        adopt(actor=radmann, version=make_draft(actor=radmann), effective_from=dt.date(2024, 1, 15))
        client.get(url)
        with django_assert_max_num_queries(15) as few:
            client.get(url)
        for _ in range(3):
            adopt(
                actor=radmann,
                version=make_draft(actor=radmann),
                effective_from=dt.date(2024, 1, 15),
            )
        make_draft(actor=radmann)
        with django_assert_max_num_queries(len(few.captured_queries)):
            client.get(url)


def test_compare_defaults_to_the_draft_against_the_version_in_force(
    personas: dict[str, Persona],
) -> None:
    radmann = _user(personas, "radmann")
    draft = make_draft(actor=radmann)
    rule = draft.rules.get(code="1-felles-grunnlag")
    rule_change(
        actor=radmann,
        rule=rule,
        section=rule.section,
        section_title=rule.section_title,
        heading=rule.heading,
        title=rule.title,
        text=rule.text.replace("opptretr", "opptrer"),
        category=rule.category,
        parameters=rule.parameters,
    )
    text = _client(personas, "radmann").get(reverse("policy:compare")).text
    assert "Versjon 1 sammenlignet med versjon 2" in text
    assert "opptretr</del>" in text and "opptrer</ins>" in text
    # Staff do not see drafts: with one version there is nothing to compare.
    staff = _client(personas, "kommunikasjon").get(reverse("policy:compare")).text
    assert "bare én versjon" in staff


def test_compare_with_bad_choices_shows_errors(personas: dict[str, Persona]) -> None:
    make_draft(actor=_user(personas, "radmann"))
    response = _client(personas, "radmann").get(reverse("policy:compare"), {"old": 1, "new": 1})
    assert 'id="form-errors"' in response.text
    assert "Velg to ulike versjoner." in response.text


def test_draft_editor_flow(personas: dict[str, Persona]) -> None:
    client = _client(personas, "radmann")
    response = client.post(reverse("policy:draft_create"))
    assert response.headers["Location"] == reverse("policy:draft_edit", args=[2])
    # A second draft is refused with a message, not an error page.
    again = client.post(reverse("policy:draft_create"), follow=True)
    assert "allerede et utkast" in again.text
    editor = client.get(reverse("policy:draft_edit", args=[2])).text
    assert "Utkast til versjon 2" in editor and 'id="regel-2-svar-snarest"' in editor

    params_url = reverse("policy:draft_parameters", args=[2])
    form = client.get(params_url)
    assert form.status_code == 200
    data = {
        "answer_deadline_working_hours": "6",
        "working_day_start": "08:00",
        "working_day_end": "15:30",
        "stage_due_after": "0",
        "stage_due_notify": "responders",
        "stage_escalation_after": "7.5",
        "stage_escalation_notify": "owner",
        "crisis_leader_roles": ["ordfører", "kriseleder"],
    }
    bad = client.post(params_url, {**data, "working_day_end": "07:00"})
    assert "Arbeidsdagen må slutte etter at den begynner." in bad.text
    assert client.post(params_url, data).status_code == 302
    draft = version_draft()
    assert draft is not None and draft.parameters["answer_deadline_working_hours"] == 6

    add_url = reverse("policy:rule_add", args=[2])
    rule = {
        "code": "2-ny-regel",
        "section": "2",
        "heading": "Slik bør du svare",
        "title": "Ny regel",
        "text": "Svar *vennlig*.",
        "category": "registration_requirement",
    }
    missing_question = client.post(add_url, rule)
    assert 'id="form-errors"' in missing_question.text
    ok = client.post(add_url, {**rule, "category": "conduct"})
    assert ok.status_code == 302 and ok.headers["Location"].endswith("#regel-2-ny-regel")

    change_url = reverse("policy:rule_change", args=[2, "2-ny-regel"])
    assert 'value="Ny regel"' in client.get(change_url).text
    client.post(change_url, {**rule, "category": "conduct", "title": "Endret regel"})
    assert draft.rules.get(code="2-ny-regel").title == "Endret regel"
    client.post(reverse("policy:rule_move", args=[2, "2-ny-regel"]), {"direction": "up"})
    client.post(reverse("policy:rule_remove", args=[2, "2-ny-regel"]))
    assert not draft.rules.filter(code="2-ny-regel").exists()

    adopt_url = reverse("policy:version_adopt", args=[2])
    assert "Vedtaket erstatter versjonen før" in client.get(adopt_url).text
    with time_machine.travel(dt.datetime(2024, 1, 15, 12, tzinfo=dt.UTC), tick=False):
        future = client.post(
            adopt_url,
            {
                "adopted_by": "AMU",
                "adopted_on": "2024-02-01",
                "effective_from": "2024-02-01",
                "change_summary": "Kortere svarfrist.",
            },
        )
        assert "Vedtaksdatoen kan ikke være fram i tid." in future.text
        done = client.post(
            adopt_url,
            {
                "adopted_by": "AMU",
                "adopted_on": "2024-01-10",
                "effective_from": "2024-01-15",
                "change_summary": "Kortere svarfrist.",
            },
        )
        assert done.headers["Location"] == reverse("policy:version_detail", args=[2])
        assert GuidelineVersion.objects.get(number=2).status == VersionStatus.ADOPTED
        # An adopted version has no editor.
        assert client.get(reverse("policy:draft_edit", args=[2])).status_code == 404


def test_discard_from_the_editor(personas: dict[str, Persona]) -> None:
    make_draft(actor=_user(personas, "radmann"))
    client = _client(personas, "radmann")
    response = client.post(reverse("policy:version_discard", args=[2]), follow=True)
    assert "Utkast til versjon 2 er forkastet." in response.text
    assert GuidelineVersion.objects.get(number=2).status == VersionStatus.DISCARDED


def test_draft_parameters_take_half_days(personas: dict[str, Persona]) -> None:
    client = _client(personas, "radmann")
    client.post(reverse("policy:draft_create"))
    params_url = reverse("policy:draft_parameters", args=[2])
    data = {
        "answer_deadline_working_hours": "8",
        "working_day_start": "08:00",
        "working_day_end": "15:30",
        "stage_due_after": "0",
        "stage_due_notify": "responders",
        "stage_escalation_after": "7.5",
        "stage_escalation_notify": "owner",
        "crisis_leader_roles": ["ordfører", "kriseleder"],
    }
    bad = client.post(params_url, {**data, "half_days": "24. desember kl 12"})
    assert 'id="form-errors"' in bad.text and "«12-24 12:00»" in bad.text
    late = client.post(params_url, {**data, "half_days": "12-24 16:00"})
    assert "Halvdagen 12-24 må stenge etter" in late.text
    ok = client.post(params_url, {**data, "half_days": "12-24 12:00\r\n\r\n12-31 12:00"})
    assert ok.status_code == 302
    draft = version_draft()
    assert draft is not None
    assert draft.parameters["half_days"] == {"12-24": "12:00", "12-31": "12:00"}
    assert "12-24 12:00\n12-31 12:00" in client.get(params_url).text
    editor = client.get(reverse("policy:draft_edit", args=[2])).text
    assert "12-24 til 12:00, 12-31 til 12:00" in editor
    # Emptied again: the key is gone.
    assert client.post(params_url, {**data, "half_days": ""}).status_code == 302
    draft.refresh_from_db()
    assert "half_days" not in draft.parameters


def test_the_rule_form_asks_for_no_key_and_makes_them_from_the_words(
    personas: dict[str, Persona],
) -> None:
    client = _client(personas, "radmann")
    draft = make_draft(actor=_user(personas, "radmann"))
    add_url = reverse("policy:rule_add", args=[draft.number])
    form = client.get(add_url).text
    for field in ('name="code"', 'name="question_key"', 'name="topic_key"'):
        assert field not in form
    rule = {"section": "2", "heading": "", "text": "Svar *vennlig*.", "topic_action": ""}
    # A title like an existing rule's gets a code of its own.
    client.post(add_url, {**rule, "title": "Svar snarest", "category": "conduct"})
    client.post(
        add_url,
        {
            **rule,
            "title": "Nytt spørsmål",
            "category": "registration_requirement",
            "question_label": "Hvem skal følge med på profilen?",
            "question_help": "Navn på to personer.",
        },
    )
    client.post(
        add_url,
        {
            **rule,
            "title": "Ikke kommenter været",
            "category": "topic_not_to_comment",
            "topic_action": "no_comment",
        },
    )
    codes = set(draft.rules.values_list("code", flat=True))
    assert {"2-svar-snarest-2", "2-nytt-sporsmal", "2-ikke-kommenter-vaeret"} <= codes
    question = draft.rules.get(code="2-nytt-sporsmal").parameters["question"]
    assert question["key"] == "hvem_skal_folge_med_pa_profilen"
    topic = draft.rules.get(code="2-ikke-kommenter-vaeret").parameters["topic"]
    assert topic["key"] == "ikke_kommenter_vaeret"

    # Changing the words keeps the keys: requests and posts refer to them.
    change_url = reverse("policy:rule_change", args=[draft.number, "2-nytt-sporsmal"])
    change = client.get(change_url).text
    assert "hvem_skal_folge_med_pa_profilen" not in change
    client.post(
        change_url,
        {
            **rule,
            "title": "Endret spørsmål",
            "category": "registration_requirement",
            "question_label": "Hvem følger med?",
            "question_help": "Navn.",
        },
    )
    changed = draft.rules.get(code="2-nytt-sporsmal").parameters["question"]
    assert changed == {
        "key": "hvem_skal_folge_med_pa_profilen",
        "label": "Hvem følger med?",
        "help": "Navn.",
    }
    editor = client.get(reverse("policy:draft_edit", args=[draft.number])).text
    assert "Hvem følger med?" in editor and "hvem_skal_folge_med_pa_profilen" not in editor


def test_the_adoption_page_counts_in_singular_and_plural(personas: dict[str, Persona]) -> None:
    user = _user(personas, "radmann")
    draft = make_draft(actor=user)
    version_parameters_update(
        actor=user,
        version=draft,
        parameters={**draft.parameters, "answer_deadline_working_hours": 6},
    )
    adopt_url = reverse("policy:version_adopt", args=[draft.number])
    text = _client(personas, "radmann").get(adopt_url).text
    assert "0 regler lagt til, 0 fjernet, 0 endret, og 1 parameter endret." in text
    compare = _client(personas, "radmann").get(
        reverse("policy:compare"), {"old": 1, "new": draft.number}
    )
    assert "Regler: 0 lagt til, 0 fjernet, 0 endret og" in compare.text
