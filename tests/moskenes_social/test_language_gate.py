from tests.language import english_on_page, english_phrases


def test_the_gate_knows_our_english_phrases() -> None:
    assert "The form has errors. Please correct the following" in english_phrases()


def test_the_gate_finds_english_and_passes_norwegian() -> None:
    assert english_on_page("Oops: The form has errors. Please correct the following:")
    assert not english_on_page("Skjemaet har feil. Rett opp dette:")
