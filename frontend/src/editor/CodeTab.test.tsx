import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { jsonResponse } from "../test/fakes";
import { CodeTab } from "./CodeTab";
import { emptyGraph } from "./types";

const SCRIPT = "import polars as pl\n\nframe = pl.scan_parquet('lake/orders')\n";

beforeEach(() => {
  vi.stubGlobal(
    "fetch",
    vi.fn<typeof fetch>(async (input) =>
      String(input) === "/api/graphs/export/" ? jsonResponse({ filename: "orders.py", script: SCRIPT }) : jsonResponse({ detail: "Not found." }, 404),
    ),
  );
});

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

function stubClipboard(clipboard: Partial<Clipboard> | undefined) {
  Object.defineProperty(navigator, "clipboard", { value: clipboard, configurable: true });
}

describe("the code tab", () => {
  it("copies the exported script with the Clipboard API and says so", async () => {
    const writeText = vi.fn(async () => undefined);
    stubClipboard({ writeText });
    render(<CodeTab graph={emptyGraph()} title="orders" />);
    expect((await screen.findByTestId("exported-code")).textContent).toBe(SCRIPT);
    await userEvent.click(screen.getByRole("button", { name: "Copy" }));
    expect(writeText).toHaveBeenCalledWith(SCRIPT);
    expect(await screen.findByRole("button", { name: "Copied" })).toBeTruthy();
  });

  it("copies without the Clipboard API (plain http on a LAN address) through the copy command", async () => {
    stubClipboard(undefined);
    let copiedText: string | null = null;
    const execCommand = vi.fn((command: string) => {
      const area = document.querySelector("textarea");
      if (command === "copy" && area) copiedText = area.value.slice(area.selectionStart, area.selectionEnd);
      return true;
    });
    Object.defineProperty(document, "execCommand", { value: execCommand, configurable: true });
    render(<CodeTab graph={emptyGraph()} title="orders" />);
    await userEvent.click(await screen.findByRole("button", { name: "Copy" }));
    expect(execCommand).toHaveBeenCalledWith("copy");
    expect(copiedText).toBe(SCRIPT);
    expect(await screen.findByRole("button", { name: "Copied" })).toBeTruthy();
    expect(document.querySelector("textarea")).toBeNull();
  });

  it("tells the user how to copy by hand when the browser will not", async () => {
    stubClipboard({ writeText: vi.fn(async () => Promise.reject(new Error("denied"))) });
    Object.defineProperty(document, "execCommand", { value: vi.fn(() => false), configurable: true });
    render(<CodeTab graph={emptyGraph()} title="orders" />);
    await userEvent.click(await screen.findByRole("button", { name: "Copy" }));
    expect((await screen.findByRole("status")).textContent).toMatch(/select the code below and press Ctrl\+C/);
    expect(screen.getByRole("button", { name: "Copy" })).toBeTruthy();
  });
});
