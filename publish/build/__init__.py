"""Build: load → derive → validate → release. Never imports the serving side."""
