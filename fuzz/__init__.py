"""Coverage-guided fuzzing of kolben's parsers with atheris (see README.md)."""
