"""Content pages: every shared block renders, with a contents bar of the page's sections."""

import pytest
from django.core.exceptions import ValidationError
from wagtail.rich_text import RichText

from base.blocks import QuestionStreamBlock
from campaigns.blocks import BodyStreamBlock
from tests.builders import make_appeal, make_content_page, make_document, make_image
from tests.html import links, parse

pytestmark = pytest.mark.django_db


def every_block(image, document):
    return [
        ("paragraph", RichText("<p>Before any section.</p>")),
        ("heading", {"text": "Families protest", "anchor": "families-protest"}),
        ("paragraph", RichText("<p>Relatives gathered in <b>Tehran</b>.</p>")),
        ("quote", {"quote": "Let us see our children.", "attribution": "A father"}),
        ("heading", {"text": "The statement", "anchor": "statement"}),
        ("document", {"document": document, "title": ""}),
        ("image", {"image": {"image": image, "decorative": False, "alt_text": "A crowd"}}),
        (
            "table",
            {
                "caption": "Families by country",
                "columns": [
                    {"type": "text", "heading": "Country"},
                    {"type": "number", "heading": "Families"},
                ],
                "rows": [{"values": ["Germany", 18]}, {"values": ["Canada", 4]}],
            },
        ),
    ]


@pytest.fixture
def body_page(home_page):
    image, document = make_image(), make_document(size=120 * 1024)
    body = BodyStreamBlock().to_python(
        BodyStreamBlock().get_prep_value(BodyStreamBlock().normalize(every_block(image, document)))
    )
    return make_content_page(home_page, "Family Contact", slug="family-contact", body=body)


def test_content_page_renders_every_block(client, body_page):
    page = parse(client.get("/family-contact/"))
    main = page.main

    assert main.find("p", string="Before any section.")
    assert main.find("b", string="Tehran")
    quote = main.select_one("figure.quote")
    assert quote.blockquote.get_text(strip=True) == "Let us see our children."
    assert quote.figcaption.get_text() == "A father"
    assert main.select_one(".document-link").get_text(" ", strip=True) == "Statement (PDF, 120 KB)"
    table = main.select_one("table")
    assert table.caption.get_text() == "Families by country"
    assert [th.get_text() for th in table.select("th[scope=col]")] == ["Country", "Families"]
    assert [td.get_text(strip=True) for td in table.select("tbody td")] == [
        "Germany",
        "18",
        "Canada",
        "4",
    ]


def test_a_persian_page_gives_a_documents_size_in_persian_digits_and_words(
    client, home_page, body_page
):
    from tests.builders import translate

    translate(home_page, "fa")
    translate(body_page, "fa")

    meta = parse(client.get("/fa/family-contact/")).select_one(".document-meta")

    assert meta.get_text() == "(PDF، ۱۲۰ کیلوبایت)"
    # The Latin type is isolated, so the comma and the size keep their places right to left.
    assert str(meta.bdi) == '<bdi lang="en">PDF</bdi>'


def test_images_are_responsive_with_dimensions_and_alt_text(client, body_page):
    image = parse(client.get("/family-contact/")).select_one("main figure picture img")

    assert image["alt"] == "A crowd"
    assert image["width"] and image["height"]
    assert image["loading"] == "lazy"
    assert len(image["srcset"].split(",")) >= 2
    sources = parse(client.get("/family-contact/")).select("main picture source")
    assert {source["type"] for source in sources} >= {"image/avif", "image/webp"}


def test_decorative_images_have_empty_alt_text(client, home_page):
    image = make_image()
    make_content_page(
        home_page,
        "Gallery",
        body=[("image", {"image": {"image": image, "decorative": True, "alt_text": ""}})],
    )

    img = parse(client.get("/gallery/")).select_one("main img")

    assert img["alt"] == ""


def test_contents_bar_lists_exactly_the_headings_in_order_and_each_target_exists(client, body_page):
    page = parse(client.get("/family-contact/"))

    bar = page.select_one("nav.contents-bar")
    assert links(bar) == [
        ("#families-protest", "Families protest"),
        ("#statement", "The statement"),
    ]
    for href, _text in links(bar):
        assert page.find(id=href[1:]).name == "h2"
    ids = [element["id"] for element in page.select("[id]")]
    assert len(ids) == len(set(ids))


def test_each_section_ends_with_a_back_to_top_link(client, body_page):
    page = parse(client.get("/family-contact/"))

    sections = page.select("main section")
    assert [s["aria-labelledby"] for s in sections] == ["families-protest", "statement"]
    for section in sections:
        last = section.find_all(recursive=False)[-1]
        assert links(last) == [("#main", "Back to top")]
    assert page.find(id="main")


def test_page_without_headings_has_no_contents_bar(client, home_page):
    make_content_page(home_page, "Plain")

    assert parse(client.get("/plain/")).select_one("nav.contents-bar") is None


def test_a_page_of_one_section_has_no_contents_bar_and_no_back_to_top(client, home_page):
    make_content_page(
        home_page,
        "Short",
        body=[
            ("heading", {"text": "The only section", "anchor": "only"}),
            ("paragraph", RichText("<p>Families ask to visit.</p>")),
        ],
    )

    page = parse(client.get("/short/"))

    assert page.find(id="only").name == "h2"
    assert page.select_one("nav.contents-bar") is None
    assert page.select_one(".back-to-top") is None


def test_heading_anchor_is_filled_in_from_the_text_when_left_blank():
    value = BodyStreamBlock().clean(
        BodyStreamBlock().to_python([{"type": "heading", "value": {"text": "Who we are for!"}}])
    )

    assert value[0].value["anchor"] == "who-we-are-for"


def test_heading_anchor_an_editor_typed_is_kept_as_a_slug():
    value = BodyStreamBlock().clean(
        BodyStreamBlock().to_python(
            [{"type": "heading", "value": {"text": "Renamed", "anchor": "Old Name"}}]
        )
    )

    assert value[0].value["anchor"] == "old-name"


def test_persian_headings_get_persian_anchors():
    value = BodyStreamBlock().clean(
        BodyStreamBlock().to_python([{"type": "heading", "value": {"text": "ما که هستیم"}}])
    )

    assert value[0].value["anchor"] == "ما-که-هستیم"


def test_two_sections_with_the_same_anchor_are_refused():
    block = BodyStreamBlock()
    value = block.to_python(
        [
            {"type": "heading", "value": {"text": "Updates"}},
            {"type": "heading", "value": {"text": "Updates"}},
        ]
    )

    with pytest.raises(ValidationError) as error:
        block.clean(value)

    assert "already uses this anchor" in str(error.value.as_json_data())


def test_anchors_the_page_uses_itself_are_refused_when_typed_and_avoided_when_derived():
    block = BodyStreamBlock()
    derived = block.clean(block.to_python([{"type": "heading", "value": {"text": "Main"}}]))
    assert derived[0].value["anchor"] == "main-section"

    with pytest.raises(ValidationError):
        block.clean(
            block.to_python([{"type": "heading", "value": {"text": "X", "anchor": "main"}}])
        )


@pytest.mark.parametrize("stream", [BodyStreamBlock, QuestionStreamBlock])
def test_every_block_has_a_template_icon_description_and_working_preview(admin_client, stream):
    make_image()
    make_document()
    make_appeal()
    for name, block in stream().child_blocks.items():
        assert block.meta.template, name
        assert block.meta.icon not in (None, "placeholder"), name
        assert block.get_description(), name
        assert block.is_previewable, name

        response = admin_client.get("/admin/block-preview/", {"id": block.definition_prefix})

        assert response.status_code == 200, name
        assert parse(response).select_one("link[rel=stylesheet]")["href"] == "/static/css/site.css"
        assert parse(response).main.get_text(strip=True), name
