"""Family contact requests: the one part of the site that holds personal data.

Everything that touches a family's request is in this package, so that its boundary is visible:
models.py (the form page and the encrypted requests), encryption.py (the keys and the encrypted
field), form.py (the public form and its defences), views.py (the form's pages and the
acknowledgement), register.py (the caseworkers' register in the admin, with its audit log) and
checks.py (start-up refuses keys that cannot read the stored requests). Nothing else in the site
reads a request; the rest of campaigns only links to the form page.
"""
