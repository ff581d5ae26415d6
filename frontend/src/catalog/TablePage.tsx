import { Link, useParams } from "react-router";
import { PageHeader } from "../components/PageHeader";
import { catalogApi, catalogRoutes, type Table } from "./api";
import { useApiGet } from "./hooks";
import { PartitionsSection } from "./PartitionsSection";
import { PreviewSection } from "./PreviewSection";
import { StatisticsSection } from "./StatisticsSection";
import { VersionsSection } from "./VersionsSection";
import { ColumnTable, ErrorText, formatCount, formatTime, Loading, Section } from "./widgets";

function TableFacts({ table }: { table: Table }) {
  const options = Object.entries(table.format_options);
  return (
    <dl className="catalog-facts" data-testid="table-facts">
      <dt>Format</dt>
      <dd data-testid="table-format">{table.classification || "—"}</dd>
      <dt>Location</dt>
      <dd data-testid="table-location">{table.location || "—"}</dd>
      <dt>Type</dt>
      <dd>{table.table_type}</dd>
      <dt>Rows</dt>
      <dd>{formatCount(table.parameters.record_count)}</dd>
      <dt>Version</dt>
      <dd data-testid="table-version">{table.version}</dd>
      <dt>Last updated</dt>
      <dd>{formatTime(table.updated_at)}</dd>
      {options.length > 0 && (
        <>
          <dt>Format options</dt>
          <dd>{options.map(([key, value]) => `${key}=${JSON.stringify(value)}`).join(", ")}</dd>
        </>
      )}
      {table.description && (
        <>
          <dt>Description</dt>
          <dd>{table.description}</dd>
        </>
      )}
    </dl>
  );
}

function SchemaSection({ table }: { table: Table }) {
  return (
    <Section title="Schema" testId="schema">
      <ColumnTable columns={table.columns} testId="schema-columns" caption="Columns" />
      {table.partition_keys.length > 0 && (
        <>
          <h3 className="subheading">Partition keys</h3>
          <ColumnTable columns={table.partition_keys} testId="schema-partition-keys" caption="Partition keys" />
        </>
      )}
    </Section>
  );
}

/** /catalog/databases/:database/tables/:table: schema, partitions, versions, statistics, preview. */
export function TablePage() {
  const { database = "", table = "" } = useParams();
  const [loaded] = useApiGet<Table>(catalogApi.table(database, table));
  return (
    <section className="page" aria-labelledby="page-title">
      <PageHeader title={table}>
        <nav aria-label="Breadcrumb" className="catalog-breadcrumb">
          <Link to={catalogRoutes.home()}>Catalog</Link> /{" "}
          <Link to={catalogRoutes.database(database)}>{database}</Link> / {table}
        </nav>
      </PageHeader>
      {loaded.status === "loading" && <Loading what="the table" />}
      {loaded.status === "error" && <ErrorText error={loaded.error} testId="table-error" />}
      {loaded.status === "ready" && (
        <>
          <TableFacts table={loaded.data} />
          <SchemaSection table={loaded.data} />
          {loaded.data.partition_keys.length > 0 && <PartitionsSection table={loaded.data} />}
          <VersionsSection table={loaded.data} />
          <StatisticsSection table={loaded.data} />
          <PreviewSection table={loaded.data} />
        </>
      )}
    </section>
  );
}
