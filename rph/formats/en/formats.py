from rph.formats.nb.formats import *  # noqa: F403 - same dd.mm.yyyy dates in the English UI

DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
