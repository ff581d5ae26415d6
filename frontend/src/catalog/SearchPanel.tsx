import { Link } from "react-router";
import { catalogApi, catalogRoutes, type Table } from "./api";
import { useDebounced, usePagedList } from "./hooks";
import { LoadMore, Section } from "./widgets";

function SearchResults({ query }: { query: string }) {
  const list = usePagedList<Table>(catalogApi.search(), { q: query }, 25);
  return (
    <Section title={`Tables matching “${query}”`} testId="search-results">
      {!list.loading && !list.error && list.items.length === 0 && (
        <p className="muted" data-testid="search-empty">
          No table matches “{query}”.
        </p>
      )}
      {list.items.length > 0 && (
        <ol className="catalog-search-results">
          {list.items.map((table) => (
            <li key={`${table.database}.${table.name}`} data-testid="search-hit" data-table={`${table.database}.${table.name}`}>
              <Link to={catalogRoutes.table(table.database, table.name)}>
                <span className="muted">{table.database}.</span>
                {table.name}
              </Link>{" "}
              {table.classification && <span className="badge">{table.classification}</span>}{" "}
              <span className="muted" title="relevance score">
                score {table.score ?? 0}
              </span>
              {table.description && <div className="muted">{table.description}</div>}
            </li>
          ))}
        </ol>
      )}
      <LoadMore list={list} testId="search-more" what="results" />
    </Section>
  );
}

/** A search box over table names, columns, comments, classification and parameters (ranked by the API). */
export function SearchPanel({ query, onQuery }: { query: string; onQuery: (query: string) => void }) {
  const settled = useDebounced(query.trim());
  return (
    <>
      <div className="toolbar catalog-search" role="search">
        <label htmlFor="catalog-search-box">Search tables</label>
        <input
          id="catalog-search-box"
          type="search"
          data-testid="catalog-search"
          placeholder="table, column, comment…"
          value={query}
          onChange={(event) => onQuery(event.target.value)}
        />
      </div>
      {settled !== "" && query.trim() !== "" && <SearchResults query={settled} />}
    </>
  );
}
