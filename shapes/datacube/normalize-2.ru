# Data Cube normalisation, phase 2: push down attachment levels (W3C vocab-data-cube §10.2).
PREFIX qb: <http://purl.org/linked-data/cube#>

# data set attachments
INSERT { ?obs ?comp ?value } WHERE {
  ?spec qb:componentProperty ?comp ; qb:componentAttachment qb:DataSet .
  ?dataset qb:structure [ qb:component ?spec ] ; ?comp ?value .
  ?obs qb:dataSet ?dataset .
} ;
# slice attachments
INSERT { ?obs ?comp ?value } WHERE {
  ?spec qb:componentProperty ?comp ; qb:componentAttachment qb:Slice .
  ?dataset qb:structure [ qb:component ?spec ] ; qb:slice ?slice .
  ?slice ?comp ?value ; qb:observation ?obs .
} ;
# dimension values on slices
INSERT { ?obs ?comp ?value } WHERE {
  ?spec qb:componentProperty ?comp .
  ?comp a qb:DimensionProperty .
  ?dataset qb:structure [ qb:component ?spec ] ; qb:slice ?slice .
  ?slice ?comp ?value ; qb:observation ?obs .
}
