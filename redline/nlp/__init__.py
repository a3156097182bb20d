"""NLP: sentence splitting and spaCy parsing, loaded once per worker."""
