"""Non-English text is rejected with its language named; English, even a bare headline, is coded."""

import datetime as dt
from pathlib import Path

import pytest

from dotterel.errors import InputError
from dotterel.language import LanguageCheck
from dotterel.records import Article

FOREIGN = {
    "German": "Der russische Präsident hat am Montag die Türkei kritisiert.",
    "French": "Le président russe a vivement critiqué la Turquie lundi, selon le Kremlin.",
    "Spanish": "El gobierno de Ankara rechazó las acusaciones del presidente ruso.",
    "Italian": "Il presidente russo ha criticato duramente la Turchia lunedì.",
    "Dutch": "De Russische president heeft Turkije maandag scherp bekritiseerd.",
    "Portuguese": "O presidente russo criticou duramente a Turquia na segunda-feira.",
    "Polish": "Prezydent Rosji ostro skrytykował w poniedziałek Turcję.",
    "Swedish": "Rysslands president kritiserade på måndagen Turkiet skarpt.",
    "Russian": "Президент России в понедельник резко раскритиковал Турцию.",
    "Arabic": "انتقدت إيران العراق بسبب أمن الحدود في بيان يوم الاثنين",
}
ENGLISH = [
    "Iran met Iraq.",
    "Putin slams Erdogan",
    "Hamas fires rockets at Ashkelon",
    "Sudanese army shells Omdurman",
    "Russia condemns Turkey over Syria strike",
    "Senate Majority Leader Mitch McConnell expressed optimism at a bipartisan deal.",
    "Islamic State militants held around 20,000 civilians as human shields in Raqqa.",
    "President Salva Kiir Mayardit declared a unilateral ceasefire on Monday in South Sudan.",
]


@pytest.mark.parametrize(("language", "text"), sorted(FOREIGN.items()))
def test_news_in_another_language_is_rejected_with_the_language_named(coder, language, text):
    with pytest.raises(InputError) as caught:
        coder.code(Article(id="x", text=text, published=dt.date(2025, 1, 10)))
    assert f"in {language}" in caught.value.problem and "English" in caught.value.problem


@pytest.mark.parametrize("text", ENGLISH)
def test_short_english_headlines_full_of_names_are_not_taken_for_another_language(text):
    assert LanguageCheck().problem(text) is None


def test_whole_english_articles_are_accepted_without_loading_the_identifier(seed_text):
    check = LanguageCheck()
    examples = Path(__file__).resolve().parents[1] / "examples"
    for path in [*examples.rglob("*.txt")]:
        assert check.verdict(path.read_text(encoding="utf-8")).how == "english-words"
    assert check.verdict(seed_text).language is None
    assert check._detector is None  # the 80 MB identifier is loaded only for texts that need it


def test_an_english_article_quoting_french_is_coded():
    text = (
        "French President Emmanuel Macron told reporters in Paris that the talks had failed. "
        '"Nous ne céderons pas", he said, adding that France would not accept the terms offered by Moscow '
        "and that the government was preparing new sanctions."
    )
    assert LanguageCheck().problem(text) is None


def test_the_command_line_names_the_language(tmp_path):
    from .store.conftest import run_cli

    done = run_cli("code", "-", input=FOREIGN["German"] + "\n")
    assert done.returncode == 1 and "text is in German" in done.stderr and done.stdout == ""
