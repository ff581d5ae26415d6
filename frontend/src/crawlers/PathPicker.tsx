import { useState } from "react";
import { useApiGet } from "../catalog/hooks";
import { ErrorText, Loading } from "../catalog/widgets";
import { crawlerApi, type Browse } from "./api";

/** Folders inside the data roots, one level at a time; choosing one fills the target's path. */
export function PathPicker({ onChoose, testId }: { onChoose: (path: string) => void; testId: string }) {
  const [path, setPath] = useState("");
  const [listing] = useApiGet<Browse>(crawlerApi.browse(path));
  return (
    <div className="crawler-path-picker" data-testid={testId}>
      {listing.status === "loading" && <Loading what="folders" />}
      {listing.status === "error" && <ErrorText error={listing.error} />}
      {listing.status === "ready" && (
        <>
          <p className="muted">{listing.data.path || "Data roots"}</p>
          <ul>
            {listing.data.path && (
              <li>
                <button type="button" className="link-button" onClick={() => setPath(listing.data.parent ?? "")}>
                  ↑ up
                </button>
              </li>
            )}
            {listing.data.folders.map((folder) => (
              <li key={folder}>
                <button type="button" className="link-button" onClick={() => setPath(folder)} data-folder={folder}>
                  {folder.split("/").pop() || folder}/
                </button>{" "}
                <button type="button" className="button catalog-button-secondary" onClick={() => onChoose(folder)}>
                  Choose
                </button>
              </li>
            ))}
          </ul>
          {listing.data.path && (
            <button type="button" className="button" onClick={() => onChoose(listing.data.path)} data-testid={`${testId}-here`}>
              Choose this folder
            </button>
          )}
        </>
      )}
    </div>
  );
}
