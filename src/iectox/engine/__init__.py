"""National scale: the observations of a Parquet dataset validated, graded and turned into episodes by a
dataframe engine (DuckDB by default, Apache Spark for registries larger than one machine), the same SQL on both.

    from iectox.engine import run
    result = run("registry.parquet", engine="duckdb")

See docs/scale.md.
"""

from iectox.engine.dialect import ENGINES, translate
from iectox.engine.run import ScaleResult, run

__all__ = ["ENGINES", "ScaleResult", "run", "translate"]
