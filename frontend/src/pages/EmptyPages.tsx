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

export function CrawlersPage() {
  return (
    <EmptyPage
      title="Crawlers"
      sentence="Crawlers that scan your data stores and record what they find in the catalog will be listed here."
    />
  );
}
