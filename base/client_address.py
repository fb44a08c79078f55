"""The client's address, for every per-address limit (login throttling, the family contact form).

Behind the reverse proxy of docs/deploy.md every connection comes from the proxy, so the
client's address is in the header the proxy sets (CLIENT_IP_HEADER, e.g. X-Forwarded-For). That
header is believed only on a connection from one of TRUSTED_PROXIES: anyone else who sends it,
say by reaching gunicorn directly, is counted by the address they connect from. Where the header
holds a chain, the right-most address that is not a trusted proxy is the client's; what stands
left of it the client wrote and proves nothing.

Hand-written rather than django-ipware, which django-axes would otherwise use: ipware believes
the header whoever sent it (it has no notion of the connecting peer being the proxy), which is
exactly the spoofing this must refuse.
"""

import ipaddress

from django.conf import settings


def _address(text):
    try:
        return ipaddress.ip_address(text.strip().strip("[]"))
    except ValueError:
        return None


def _trusted(address):
    return address is not None and any(address in net for net in settings.TRUSTED_PROXIES)


def client_address(request):
    """The address of the client behind the request, as a string."""
    peer = request.META.get("REMOTE_ADDR", "")
    header = settings.CLIENT_IP_HEADER
    if header == "REMOTE_ADDR" or not _trusted(_address(peer)):
        return peer
    # Right to left: past our own proxies (a load balancer before nginx, say), the first
    # address is the client's. Anything further left the client wrote itself.
    for text in reversed(request.META.get(header, "").split(",")):
        address = _address(text)
        if address is None:
            break
        if not _trusted(address):
            return str(address)
    return peer
