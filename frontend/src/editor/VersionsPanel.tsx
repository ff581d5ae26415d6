/** The saved versions of a job: when and by whom, what changed (graph and settings), and restoring one into the editor. */
import { memo } from "react";
import { describeJobChanges } from "./diff";
import type { JobSettings, JobVersion } from "../jobs/api";
import type { GraphDocument } from "./types";

function VersionsPanelInner({
  versions,
  current,
  settings,
  onRestore,
}: {
  versions: JobVersion[] | null;
  current: GraphDocument;
  /** The editor's settings, compared with each version's along with the graph. */
  settings: JobSettings;
  onRestore: (version: JobVersion) => void;
}) {
  if (versions === null) return <p className="muted">Save the job to start its history.</p>;
  if (versions.length === 0) return <p className="muted">No versions yet.</p>;
  return (
    <ol className="versions-list" data-testid="versions-list">
      {versions.map((version, index) => {
        const older = versions[index + 1];
        const changes = older ? describeJobChanges(older, version) : ["First version"];
        const fromEditor = describeJobChanges(version, { ...settings, graph: current });
        return (
          <li key={version.number} data-version={version.number}>
            <div className="version-head">
              <strong>Version {version.number}</strong>{" "}
              <span className="muted">
                {new Date(version.created_at).toLocaleString()}
                {version.created_by ? ` by ${version.created_by}` : ""}
              </span>
              <button type="button" className="button-small" onClick={() => onRestore(version)}>
                Restore version {version.number}
              </button>
            </div>
            <ul className="version-changes">
              {changes.map((line) => (
                <li key={line}>{line}</li>
              ))}
            </ul>
            <details>
              <summary>Compared with the editor</summary>
              <ul>
                {fromEditor.map((line) => (
                  <li key={line}>{line}</li>
                ))}
              </ul>
            </details>
          </li>
        );
      })}
    </ol>
  );
}

export const VersionsPanel = memo(VersionsPanelInner);
