"""bomay: the linked open data publisher for Vietnam's apparatus reorganisation.

Two halves with one-way imports: ``publish.build`` turns ``ontology/``, ``data/`` and
``shapes/`` into an immutable release directory; the serving side reads a finished release
through ``publish.store`` and never re-validates. ``publish.cli`` wires both to the shell.
"""

__version__ = "0.1.0"
__all__ = ["__version__"]
