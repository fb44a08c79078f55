"""Family contact requests: the one part of the site that holds personal data.

Everything that touches a family's request is in this package, so that its boundary is visible:
- models.py: the form page and the requests, their personal fields encrypted;
- encryption.py: the keys and the encrypted field;
- form.py: the public form and its defences against spam and abuse;
- views.py: the form's pages and the acknowledgement mail;
- access.py: only the Caseworkers group sees requests, and what the audit log records;
- register.py: the caseworkers' register in the admin;
- checks.py: start-up refuses keys that cannot read the stored requests.

Nothing else in the site reads a request; the rest of campaigns only links to the form page.
"""
