import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.documents import get_document_model

from tests.builders import make_document

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "content_type"),
    [
        ("statement.pdf", "application/pdf"),
        ("letter.txt", "text/plain"),
        ("letter.odt", "application/vnd.oasis.opendocument.text"),
        (
            "letter.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
    ],
)
def test_documents_are_served_with_their_content_type(client, name, content_type):
    document = make_document(name=name, size=2048)

    response = client.get(document.url)

    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert b"".join(response.streaming_content)[:4] == b"%PDF"


@pytest.mark.parametrize("name", ["tool.exe", "page.html", "sheet.xlsm", "image.svg"])
def test_the_admin_refuses_documents_of_other_types(admin_client, name):
    response = admin_client.post(
        "/admin/documents/add/",
        {"title": "Upload", "file": SimpleUploadedFile(name, b"data"), "collection": 1},
    )

    assert response.status_code == 200
    assert "file" in response.context["form"].errors
    assert not get_document_model().objects.exists()


def test_the_admin_accepts_a_pdf(admin_client):
    response = admin_client.post(
        "/admin/documents/add/",
        {"title": "Statement", "file": SimpleUploadedFile("s.pdf", b"%PDF-1.4"), "collection": 1},
    )

    assert response.status_code == 302
    assert get_document_model().objects.get().title == "Statement"


@pytest.fixture
def private_document():
    """A document in a collection only signed-in users may see."""
    from wagtail.models import Collection, CollectionViewRestriction

    collection = Collection.get_first_root_node().add_child(name="Caseworkers only")
    CollectionViewRestriction.objects.create(
        collection=collection, restriction_type=CollectionViewRestriction.LOGIN
    )
    document = make_document(title="Private", name="private.pdf")
    document.collection = collection
    document.save()
    return document


def test_a_private_document_is_served_only_through_its_checked_address(client, private_document):
    response = client.get(f"/documents/{private_document.pk}/private.pdf")

    assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.urls("tests.debug_urls")
def test_make_run_serves_uploads_but_never_a_documents_file_directly(client, private_document):
    from tests.builders import make_image

    image = make_image()
    direct = client.get(f"/media/{private_document.file.name}")
    image_file = client.get(f"/media/{image.file.name}")

    assert private_document.file.name.startswith("documents/")
    assert direct.status_code == 404
    assert image_file.status_code == 200


@pytest.mark.parametrize(
    ("size", "english", "persian"),
    [
        (500, "PDF, 500 bytes", "PDF، ۵۰۰ بایت"),
        (120 * 1024, "PDF, 120 KB", "PDF، ۱۲۰ کیلوبایت"),
        (3 * 1024 * 1024 // 2, "PDF, 1.5 MB", "PDF، ۱٫۵ مگابایت"),
    ],
)
def test_a_documents_size_is_in_the_pages_digits_units_and_punctuation(size, english, persian):
    from django.utils import translation

    from base.templatetags.document_tags import file_description

    document = make_document(size=size)

    with translation.override("en"):
        assert file_description(document) == english
    with translation.override("fa"):
        assert file_description(document) == persian
