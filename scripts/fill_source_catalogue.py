"""Fill the English catalogue: msgids are written in English, so each msgstr
is its msgid. Run by `make messages` after `pybabel update`."""
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

path = Path(sys.argv[1] if len(sys.argv) > 1 else "alliance_app/translations/en/LC_MESSAGES/messages.po")
with path.open("rb") as f:
    catalog = read_po(f, locale="en")
for message in catalog:
    if not message.id:
        continue
    if isinstance(message.id, tuple):
        message.string = tuple(message.id)
    else:
        message.string = message.id
    message.flags.discard("fuzzy")
with path.open("wb") as f:
    write_po(f, catalog, omit_header=False, sort_output=True, no_location=True, width=100)
