"""Following a campaign by e-mail: the second part of the site that holds personal data (the
first is family_contact/), behind its own boundary like it.

- models.py: the followers (addresses encrypted at rest, with a keyed hash to find one again),
  the notices of what was published, and the mails, each sent at most once;
- keys.py: the keyed hash of an address and the signed links of each follower (confirm, leave);
- subscribe.py: the public form, the confirmation and the unsubscribe (one click, RFC 8058);
- notices.py: what a publish tells followers, and who hears of it (each time, or a daily digest);
- sending.py: the mail queue's task (on the database task queue, `db_worker --queue-name=mail`):
  batches, a rate per minute, retries with back-off, and never the same mail twice;
- admin.py: counts for editors and moderators, and the audited export.

No tracking: the mails carry no pixel and no rewritten link, and nothing records who opened or
followed what. Nothing else in the site reads a follower's address.
"""
