"""Reports: the report model (computed once from a run, its analysis and diagnosis) and the
renderers that only read it — markdown, PNG plots, JSON, the index, the terminal table,
GitHub annotations — plus the safe, atomic output folder they write into."""
