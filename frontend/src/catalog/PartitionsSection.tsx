import { useState, type FormEvent } from "react";
import { catalogApi, type Partition, type Table } from "./api";
import { usePagedList } from "./hooks";
import { formatTime, LoadMore, Section } from "./widgets";

/** The table's partitions, filtered by an expression over the partition keys (the API parses it). */
export function PartitionsSection({ table }: { table: Table }) {
  const [draft, setDraft] = useState("");
  const [filter, setFilter] = useState("");
  const list = usePagedList<Partition>(catalogApi.partitions(table.database, table.name), { filter }, 50);
  // A bad expression is a 400 naming `filter`: show the API's own words next to the box.
  const filterError = list.error ? (list.error.fieldErrors.filter?.join(" ") ?? null) : null;
  const keys = table.partition_keys;

  const apply = (event: FormEvent) => {
    event.preventDefault();
    setFilter(draft.trim());
  };

  return (
    <Section title={`Partitions (${table.partition_count ?? "?"})`} testId="partitions">
      <form className="toolbar catalog-filter-form" onSubmit={apply}>
        <label htmlFor="partition-filter">Filter</label>
        <input
          id="partition-filter"
          data-testid="partition-filter"
          className="catalog-expression"
          placeholder={`e.g. ${keys[0]?.name ?? "year"} >= '2024'`}
          value={draft}
          aria-invalid={filterError ? true : undefined}
          aria-describedby={filterError ? "partition-filter-error" : undefined}
          onChange={(event) => setDraft(event.target.value)}
        />
        <button type="submit" className="button" data-testid="partition-filter-apply">
          Apply
        </button>
        {filterError && (
          <span id="partition-filter-error" className="inline-error" role="alert" data-testid="partition-filter-error">
            {filterError}
          </span>
        )}
      </form>
      {!list.loading && !list.error && list.items.length === 0 && (
        <p className="muted" data-testid="partitions-empty">
          {filter ? "No partition matches this filter." : "No partitions yet."}
        </p>
      )}
      {list.items.length > 0 && !filterError && (
        <table className="data-table" data-testid="partition-list">
          <thead>
            <tr>
              {keys.map((key) => (
                <th key={key.name} scope="col">
                  {key.name}
                </th>
              ))}
              <th scope="col">Location</th>
              <th scope="col">Created</th>
            </tr>
          </thead>
          <tbody>
            {list.items.map((partition) => (
              <tr key={partition.id} data-testid="partition-row">
                {keys.map((key, index) => (
                  <td key={key.name}>{partition.values[index] ?? <span className="muted">null</span>}</td>
                ))}
                <td className="catalog-location">{partition.location}</td>
                <td>{formatTime(partition.created_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {filterError ? null : <LoadMore list={list} testId="partition-list-more" what="partitions" />}
    </Section>
  );
}
