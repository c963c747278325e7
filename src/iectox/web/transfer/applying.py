"""A plan applied to the registry: rows added, changed and (when asked) deleted, in the caller's transaction.

Rows are found by the positions the diff gives (`Row.position`, `ChangedRow.old_position`/`new_position`), so
that rows without a code of their own (observations) are told apart as the diff paired them. Added rows go in
through `registry.records.store` (bulk, each with its "created" history entry), parents before children; a
changed row through `registry.saving.update`, which raises its version only if nobody saved it since the plan
read it and keeps the history entry of the change, with only the changed cells taken from the file; a deleted
row through `registry.saving.delete`, children before parents. Anything that fails raises, and the caller's
transaction keeps nothing.
"""

from __future__ import annotations

from typing import Any

from iectox.dataset import Dataset, time_known_column
from iectox.schema import CONTRACT, Kind
from iectox.web.registry import saving
from iectox.web.registry.models import BY_TABLE
from iectox.web.registry.records import model_values, store
from iectox.web.transfer.planning import Plan


def _row(dataset: Dataset, table: str, position: int) -> dict[str, Any]:
    return model_values(table, dataset[table].iloc[position].to_dict())


def _changed_columns(table: str, columns: list[str]) -> list[str]:
    """The stored columns of the changed contract columns (a date-time with its `_time_known`)."""
    kinds = {c.name: c.kind for c in CONTRACT.table(table).columns}
    out = []
    for name in columns:
        out.append(name)
        if kinds[name] is Kind.DATETIME:
            out.append(time_known_column(name))
    return out


def apply_plan(plan: Plan, delete_missing: bool) -> dict[str, dict[str, int]]:
    """Apply `plan` (inside a transaction); per table how many rows were added, changed, deleted and kept."""
    added = {
        t.name: plan.incoming[t.name].iloc[[row.position for row in plan.changes[t.name].added]]
        for t in CONTRACT.tables
    }
    store(Dataset.from_frames(added))
    for table in CONTRACT.tables:
        model, records = BY_TABLE[table.name], plan.stored.records[table.name]
        for row in plan.changes[table.name].changed:
            values = _row(plan.stored.dataset, table.name, row.old_position)
            new = _row(plan.incoming, table.name, row.new_position)
            for name in _changed_columns(table.name, [change.column for change in row.changes]):
                values[name] = new[name]
            pk, version = records[row.old_position]
            saving.update(model(pk=pk), version, values)
    if delete_missing:
        for table in reversed(CONTRACT.tables):
            model, records = BY_TABLE[table.name], plan.stored.records[table.name]
            for row in plan.changes[table.name].removed:
                pk, version = records[row.position]
                saving.delete(model(pk=pk), version)
    return {
        diff.table: {
            "added": len(diff.added),
            "changed": len(diff.changed),
            "deleted": len(diff.removed) if delete_missing else 0,
            "kept": 0 if delete_missing else len(diff.removed),
        }
        for diff in plan.changes
    }
