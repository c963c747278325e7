"""Study and quality: a study run on the registry with the report's tables, figures and downloads, and the
management dashboard (delay KPIs by cohort and quarter, deviations by rule, open episodes). Results are the
library's, computed once per registry state and kept in memory (docs/web.md, "Study and quality")."""
