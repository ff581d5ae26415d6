import { useRef } from "react";

/** "Import JSON": a button that opens a hidden file input and hands over the chosen file. */
export function ImportJsonButton({ testId, onFile }: { testId: string; onFile: (file: File) => void }) {
  const fileInput = useRef<HTMLInputElement>(null);
  return (
    <>
      <button type="button" onClick={() => fileInput.current?.click()}>
        Import JSON
      </button>
      <input
        ref={fileInput}
        type="file"
        accept="application/json,.json"
        hidden
        data-testid={testId}
        onChange={(event) => {
          const file = event.target.files?.[0];
          if (file) onFile(file);
          event.target.value = ""; // choosing the same file again imports it again
        }}
      />
    </>
  );
}
