# The path migrations name (advocacy.blocks.ParagraphBlock); the shared blocks are in base/.
from base.blocks import ParagraphBlock  # noqa: F401
