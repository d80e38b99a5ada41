"""The modelling choices a guide must teach: each against the release the sources build."""

from __future__ import annotations

from collections.abc import Callable

Select = Callable[[str], list[dict[str, str]]]
ID = "https://w3id.org/bomay/id/"
PROPOSED = f"{ID}agency/quang-ninh/co-quan-to-chuc-noi-vu"


def test_a_proposal_is_not_an_agency(select: Select) -> None:
    rows = select(f"""SELECT ?type WHERE {{ <{PROPOSED}> a ?type }}""")
    types = {r["type"].rsplit("#", 1)[-1] for r in rows}
    assert "ProposedAgency" in types and not {"Agency", "Organization"} & types
    rows = select(f"""SELECT ?event ?status WHERE {{ ?event bomay:proposedResult <{PROPOSED}> ;
        bomay:eventStatus ?status }}""")
    assert [r["status"].rsplit("/", 1)[1] for r in rows] == ["de-xuat"]
    assert select(f"SELECT ?e WHERE {{ ?e org:resultingOrganization <{PROPOSED}> }}") == []
    quang_ninh = [r for r in select("cq15-agencies-per-province.rq") if r["provinceCode"] == "22"]
    agencies = select("""SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a a bomay:Agency ;
        bomay:adminUnit <https://w3id.org/bomay/id/place/quang-ninh> }""")
    assert quang_ninh[0]["agencies"] == agencies[0]["n"]


def test_uncertain_identity_is_a_weaker_link_in_its_inference_graph(select: Select) -> None:
    own = select(f"""SELECT ?a WHERE {{ ?a owl:sameAs ?b FILTER(STRSTARTS(STR(?b), "{ID}")) }}""")
    assert own == []
    rows = select("""SELECT ?a ?b ?g WHERE { GRAPH ?g { ?a bomay:likelySameAs ?b } }""")
    assert {(r["a"].removeprefix(ID), r["g"].rsplit("/", 1)[1]) for r in rows} == {
        ("place/tinh-bai-viet-001", "i-03"),
        ("directive/trung-uong/nghi-quyet-khong-neu-ten-bai-000", "i-09"),
        ("directive/trung-uong/nghi-quyet-202-2025-qh15", "i-25"),
    }
    labels = select(f"""SELECT ?l WHERE {{
        <{ID}directive/trung-uong/bch-tw-khoa-xii/nghi-quyet-18> skos:prefLabel ?l
        FILTER(LANG(?l) = "vi") }}""")
    assert len(labels) == 1


def test_post_holdings_carry_their_time_and_nothing_else_links_person_to_post(
    select: Select,
) -> None:
    assert select("SELECT ?p WHERE { { ?p org:holds ?x } UNION { ?x org:heldBy ?p } }") == []
    rows = select("""SELECT ?h (COUNT(?d) AS ?n) WHERE { ?h a bomay:PostHolding ;
        org:member ?person ; bomay:post ?post OPTIONAL { ?h bomay:asOf ?d } } GROUP BY ?h""")
    assert rows and all(r["n"] == "1" for r in rows)


def test_groups_proposals_and_a_web_site_are_not_organisations(select: Select) -> None:
    not_org = [
        f"{ID}agency/hai-phong/co-quan-chuyen-mon-ubnd",
        f"{ID}agency/hai-phong/duong-kinh/doan-the-chinh-tri-xa-hoi",
        f"{ID}organization/cong-thong-tin-dien-tu-hai-phong",
        PROPOSED,
    ]
    values = " ".join(f"<{i}>" for i in not_org)
    rows = select(f"""SELECT ?x WHERE {{ VALUES ?x {{ {values} }}
        {{ ?x a org:Organization }} UNION {{ ?x a bomay:Agency }}
        UNION {{ ?x org:subOrganizationOf ?parent }} }}""")
    assert rows == []
    rows = select(f"""SELECT ?type WHERE {{
        <{ID}organization/cong-thong-tin-dien-tu-hai-phong> a ?type }}""")
    assert [r["type"] for r in rows] == ["https://schema.org/WebSite"]
    rows = select(f"""SELECT ?within WHERE {{
        <{ID}agency/hai-phong/co-quan-chuyen-mon-ubnd> bomay:groupWithin ?within }}""")
    assert [r["within"] for r in rows] == [f"{ID}agency/hai-phong/ubnd"]


def test_a_scheme_not_yet_drafted_is_not_a_legal_resource(select: Select) -> None:
    scheme = (
        f"{ID}directive/tinh-bai-viet-001/de-an-thi-diem-hop-nhat-co-quan-hoac-kiem-nhiem-chuc-danh"
    )
    types = {r["t"] for r in select(f"SELECT ?t WHERE {{ <{scheme}> a ?t }}")}
    assert types == {"https://w3id.org/bomay/def#PlannedDocument"}
    legal = select(f"""SELECT ?c WHERE {{ <{scheme}> a/rdfs:subClassOf* ?c
        FILTER(?c = eli:LegalResource) }}""")
    assert legal == []


def test_suspension_and_rearrangement_act_on_models_and_name_the_agencies(select: Select) -> None:
    rows = select("""SELECT ?event ?g (COUNT(DISTINCT ?model) AS ?models)
        (COUNT(DISTINCT ?affected) AS ?affects) WHERE {
        ?event a ?kind ; bomay:affectedModel ?model .
        FILTER(?kind IN (bomay:PilotSuspension, bomay:Rearrangement))
        GRAPH ?g { ?event bomay:affects ?affected } } GROUP BY ?event ?g""")
    assert len(rows) == 2
    for row in rows:
        assert (row["models"], row["affects"]) == ("5", "4")
        assert row["g"].endswith("/graph/inference/i-14")  # a judgement, not a stated fact


def test_figures_state_every_dimension_and_sdmx_clients_find_them(select: Select) -> None:
    rows = select("""SELECT ?obs WHERE { ?obs a qb:Observation .
        FILTER NOT EXISTS { GRAPH ?g { ?obs bomay:refPeriod ?p }
            FILTER(STRSTARTS(STR(?g), "https://w3id.org/bomay/graph/article-")) } }""")
    assert rows == []
    rows = select("""SELECT ?obs WHERE { ?obs bomay:refArea ?a .
        FILTER NOT EXISTS { ?obs sdmx-dimension:refArea ?a } }""")
    assert rows == []


def test_each_article_graph_is_derived_from_its_source(select: Select) -> None:
    rows = select("""SELECT ?g ?source WHERE { GRAPH ?g { ?s ?p ?o }
        FILTER(STRSTARTS(STR(?g), "https://w3id.org/bomay/graph/article-"))
        OPTIONAL { ?g prov:wasDerivedFrom ?source } }""")
    assert rows and all("source" in r for r in rows)


def test_every_province_merger_of_2025_cites_the_resolution_that_sets_it(select: Select) -> None:
    """Article 014: «19 tỉnh và 4 thành phố hình thành sau sắp xếp quy định tại nghị quyết
    này»: the reference data's province-level events of 1 July 2025 are those 23 (19 provinces,
    4 cities), and each says so with that quote; article 007 names five of them itself."""
    resolution = (
        f"{ID}directive/trung-uong/quoc-hoi/nghi-quyet-sap-xep-don-vi-hanh-chinh-cap-tinh-2025"
    )
    events = select("""SELECT ?event ?type WHERE {
        ?event a bomay:UnitReorganisation ; bomay:resultingUnit ?unit .
        ?unit bomay:unitType ?type ; skos:prefLabel ?label .
        FILTER(STRENDS(STR(?event), "/2025-sap-xep-cap-tinh")) } GROUP BY ?event ?type""")
    types = sorted(r["type"].rsplit("/", 1)[1] for r in events)
    assert types == ["thanh-pho-truc-thuoc-trung-uong"] * 4 + ["tinh"] * 19
    cited = select(f"""SELECT ?event (GROUP_CONCAT(STR(?graph)) AS ?graphs) WHERE {{
        GRAPH ?graph {{ ?event bomay:authorisedBy <{resolution}> ;
            bomay:evidence/oa:exact ?quote }} }} GROUP BY ?event""")
    graphs = {r["event"]: r["graphs"] for r in cited}
    assert set(graphs) == {r["event"] for r in events}
    assert all("article-014" in g for g in graphs.values())
    assert sum("article-007" in g for g in graphs.values()) == 5
