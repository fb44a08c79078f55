"""Per-address limits count clients, not the proxy, and a forged header changes nothing.

tests/test_deployment.py shows the same through the nginx of docs/deploy.md.
"""

import ipaddress

import pytest

from base.client_address import client_address

pytestmark = pytest.mark.django_db

PROXY = "127.0.0.1"


@pytest.fixture
def behind_the_proxy(settings):
    settings.CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"


@pytest.mark.parametrize(
    ("peer", "forwarded", "expected"),
    [
        # The documented proxy overwrites the header with the address it saw.
        (PROXY, "198.51.100.7", "198.51.100.7"),
        ("::1", "2001:db8::7", "2001:db8::7"),
        # A chain: the client wrote the left part itself; the proxy appended the real one.
        (PROXY, "203.0.113.9, 198.51.100.7", "198.51.100.7"),
        # Past a load balancer that is trusted too (10.0.0.0/8 below).
        (PROXY, "198.51.100.7, 10.1.2.3", "198.51.100.7"),
        # Someone reaching the app directly is counted by their own address.
        ("198.51.100.50", "203.0.113.9", "198.51.100.50"),
        # Without the header, or with rubbish in it, the connection's address stands.
        (PROXY, "", PROXY),
        (PROXY, "not-an-address", PROXY),
    ],
)
def test_the_client_address_believes_the_header_only_from_a_trusted_proxy(
    rf, settings, behind_the_proxy, peer, forwarded, expected
):
    settings.TRUSTED_PROXIES = [
        *settings.TRUSTED_PROXIES,
        ipaddress.ip_network("10.0.0.0/8"),
    ]
    request = rf.get("/", REMOTE_ADDR=peer, HTTP_X_FORWARDED_FOR=forwarded)

    assert client_address(request) == expected


def test_without_a_proxy_setting_the_header_is_ignored(rf):
    request = rf.get("/", REMOTE_ADDR="198.51.100.50", HTTP_X_FORWARDED_FOR="203.0.113.9")

    assert client_address(request) == "198.51.100.50"


def sign_in(client, username, password, address):
    return client.post(
        "/admin/login/",
        {"username": username, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=address,
    )


def test_behind_the_proxy_a_stranger_locks_out_only_their_own_address(
    client, django_user_model, behind_the_proxy
):
    django_user_model.objects.create_superuser("editor", password="the-right-password")
    for _ in range(5):
        sign_in(client, "editor", "a-wrong-password", "203.0.113.9")

    assert sign_in(client, "editor", "the-right-password", "203.0.113.9").status_code == 429
    assert sign_in(client, "editor", "the-right-password", "198.51.100.7").status_code == 302


def test_a_username_failing_from_many_addresses_signs_in_only_from_known_ones(
    client, django_user_model, behind_the_proxy, settings
):
    settings.LOGIN_USERNAME_FAILURE_LIMIT = 12
    django_user_model.objects.create_superuser("editor", password="the-right-password")
    assert sign_in(client, "editor", "the-right-password", "198.51.100.7").status_code == 302
    client.logout()
    # A botnet: three tries from each of four addresses, each under the per-address limit.
    for bot in range(4):
        for _ in range(3):
            sign_in(client, "editor", "a-wrong-password", f"203.0.113.{bot + 10}")

    from_a_new_address = sign_in(client, "editor", "the-right-password", "203.0.113.99")
    from_a_bot = sign_in(client, "editor", "the-right-password", "203.0.113.10")
    from_the_editors_desk = sign_in(client, "editor", "the-right-password", "198.51.100.7")

    assert from_a_new_address.status_code == 200  # refused: the sign-in form again
    assert from_a_bot.status_code == 200
    assert from_the_editors_desk.status_code == 302


def test_family_form_limit_counts_each_client_behind_the_proxy(rf, behind_the_proxy):
    from campaigns.family_contact.form import rate_key

    first = rf.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.7")
    second = rf.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.8")
    forged = rf.get("/", REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="198.51.100.8")

    assert rate_key(first) != rate_key(second)
    assert rate_key(forged) == rate_key(first)
