"""The reading core: one tokenization (`tokens`), one matching pass (`matching`), sections, sentences
and need cues (`sections`), degree and years (`qualifications`). `jobclass.reader` puts them together."""
