"""The baseline: a bare FastAPI + pyoxigraph SPARQL server with no limits and no checks.

    .venv/bin/python bench/bare_server.py STORE_FOLDER PORT

What a developer writes in ten lines; bench/run.py measures bomay against it, to show what
bomay's limits, checks and worker processes cost. Never expose it: it runs any query.
"""

from __future__ import annotations

import sys

import pyoxigraph as ox
import uvicorn
from fastapi import FastAPI, Response

app = FastAPI()
store = ox.Store.read_only(sys.argv[1])


@app.get("/sparql")
def sparql(query: str) -> Response:  # a plain def: FastAPI runs it in its thread pool
    result = store.query(query)  # the default graph: the merge, stored at build
    if isinstance(result, ox.QueryTriples):
        body = ox.serialize(result, format=ox.RdfFormat.N_TRIPLES)
        return Response(body, media_type="application/n-triples")
    return Response(
        result.serialize(format=ox.QueryResultsFormat.JSON),
        media_type="application/sparql-results+json",
    )


@app.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}


if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[2]), log_level="warning")
