import { EmptyState } from "../components/EmptyState";
import { PageHeader } from "../components/PageHeader";

function EmptyPage({ title, sentence }: { title: string; sentence: string }) {
  return (
    <section className="page" aria-labelledby="page-title">
      <PageHeader title={title} />
      <EmptyState>{sentence}</EmptyState>
    </section>
  );
}

export function CatalogPage() {
  return (
    <EmptyPage
      title="Catalog"
      sentence="Databases and tables, with their schemas and locations, will be listed here once crawlers find them or you define them."
    />
  );
}

export function CrawlersPage() {
  return (
    <EmptyPage
      title="Crawlers"
      sentence="Crawlers that scan your data stores and record what they find in the catalog will be listed here."
    />
  );
}

export function JobsPage() {
  return <EmptyPage title="Jobs" sentence="ETL jobs, with their sources, transforms and targets, will be listed here." />;
}

export function RunsPage() {
  return (
    <EmptyPage title="Runs" sentence="Every run of a job or crawler, with its state, start time and duration, will be listed here." />
  );
}
