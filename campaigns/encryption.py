# The path migrations name (campaigns.encryption.EncryptedTextField); the field lives with the
# rest of the family contact requests, in campaigns/family_contact/.
from campaigns.family_contact.encryption import EncryptedTextField  # noqa: F401
