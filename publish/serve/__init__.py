"""Serve: store → query → negotiate → render. Reads a finished release; never validates."""
