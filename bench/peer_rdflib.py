"""rdflib-endpoint 0.6.3 serving a release's N-Quads dump: the peer in bench/run.py.

    bench/.work/peer-venv/bin/python bench/peer_rdflib.py DUMP.nq.gz PORT

Runs in its own virtual environment (its pins may clash with bomay's): bench/run.py
creates it. The default graph is the union of the named graphs, as in bomay.
"""

from __future__ import annotations

import gzip
import sys

import rdflib
import uvicorn
from rdflib_endpoint import SparqlEndpoint

dataset = rdflib.Dataset(default_union=True)
with gzip.open(sys.argv[1], "rb") as dump:
    dataset.parse(dump, format="nquads")
app = SparqlEndpoint(graph=dataset, path="/sparql", cors_enabled=True)

if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[2]), log_level="warning")
