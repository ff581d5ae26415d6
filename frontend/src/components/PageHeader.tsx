import { useEffect, type ReactNode } from "react";

export function usePageTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} · glueweb`;
  }, [title]);
}

export function PageHeader({ title, children }: { title: string; children?: ReactNode }) {
  usePageTitle(title);
  return (
    <div className="page-header">
      <h1 id="page-title">{title}</h1>
      {children}
    </div>
  );
}
