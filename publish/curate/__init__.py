"""Curation: register a source (``bomay source add``) and draft its Turtle (``bomay draft``)."""
