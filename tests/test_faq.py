import json

import pytest

from tests.builders import make_faq_page
from tests.html import links, parse

pytestmark = pytest.mark.django_db

QUESTIONS = [
    ("Where do you stand on the regime?", "<p>For a <b>secular</b> democracy.</p>"),
    ("Why call it a cult?", "<p>It has the five traits.</p>"),
    ("Who can ask for news?", "<p>Any relative.</p>"),
]


def test_faq_lists_its_questions_at_the_top_linking_to_each_answer(client, home_page):
    make_faq_page(home_page, questions=QUESTIONS)

    page = parse(client.get("/faq/"))

    question_list = page.select_one("nav.question-list")
    assert [text for _href, text in links(question_list)] == [q for q, _a in QUESTIONS]
    for href, text in links(question_list):
        target = page.find(id=href[1:])
        assert target.name == "h2" and target.get_text() == text
    answer = page.find(id="where-do-you-stand-on-the-regime").find_next_sibling("div")
    assert answer.b.get_text() == "secular"


def test_faq_json_ld_has_one_question_per_pair_in_order(client, home_page):
    make_faq_page(home_page, questions=QUESTIONS)

    page = parse(client.get("/faq/"))
    data = json.loads(page.head.find("script", type="application/ld+json").string)

    assert data["@type"] == "FAQPage"
    assert [item["@type"] for item in data["mainEntity"]] == ["Question"] * 3
    assert [item["name"] for item in data["mainEntity"]] == [q for q, _a in QUESTIONS]
    assert data["mainEntity"][0]["acceptedAnswer"] == {
        "@type": "Answer",
        "text": "<p>For a <b>secular</b> democracy.</p>",
    }


def test_faq_json_ld_cannot_be_closed_by_what_an_editor_types(client, home_page):
    make_faq_page(
        home_page, questions=[("Is </script><script>alert(1)</script> safe?", "<p>Yes</p>")]
    )

    html = client.get("/faq/").content.decode()
    page = parse(client.get("/faq/"))

    assert "<script>alert(1)" not in html
    data = json.loads(page.head.find("script", type="application/ld+json").string)
    assert data["mainEntity"][0]["name"] == "Is </script><script>alert(1)</script> safe?"
