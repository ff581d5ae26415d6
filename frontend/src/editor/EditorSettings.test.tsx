import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it } from "vitest";
import { stubResizeObserver } from "../test/fakes";
import { renderApp } from "../test/routes";
import { serveEditor } from "./testServer";

beforeEach(stubResizeObserver);

describe("the job's settings in the editor", () => {
  it("sets parameters, retries, timeout and concurrency, and saves them with the job", async () => {
    const { saved } = serveEditor();
    renderApp("/jobs/5");
    await screen.findByRole("heading", { name: "orders", level: 1 });
    await userEvent.click(screen.getByRole("tab", { name: "Settings" }));

    await userEvent.click(screen.getByRole("button", { name: "Add parameter" }));
    const name = screen.getByLabelText("Parameter 1 name");
    await userEvent.clear(name);
    await userEvent.type(name, "min_total");
    await userEvent.selectOptions(screen.getByLabelText("Parameter 1 type"), "number");
    await userEvent.type(screen.getByLabelText("Parameter 1 default"), "25");
    const values: [string, string][] = [
      ["Retries", "3"],
      ["Timeout (minutes)", "0.5"],
      ["Max concurrent runs", "2"],
    ];
    for (const [label, value] of values) {
      const field = screen.getByLabelText(label);
      await userEvent.clear(field);
      await userEvent.type(field, value);
    }
    await userEvent.click(screen.getByRole("button", { name: "Save" }));

    await waitFor(() => expect(saved).toHaveLength(1));
    expect(saved[0]).toMatchObject({ max_retries: 3, timeout_minutes: 0.5, max_concurrent_runs: 2 });
    expect((saved[0]!.graph as { parameters: unknown }).parameters).toEqual([{ name: "min_total", type: "number", default: 25 }]);
  });

  it("takes a decimal default as typed and a boolean default from a choice", async () => {
    const { saved } = serveEditor();
    renderApp("/jobs/5");
    await screen.findByRole("heading", { name: "orders", level: 1 });
    await userEvent.click(screen.getByRole("tab", { name: "Settings" }));

    await userEvent.click(screen.getByRole("button", { name: "Add parameter" }));
    await userEvent.selectOptions(screen.getByLabelText("Parameter 1 type"), "number");
    const rate = screen.getByLabelText("Parameter 1 default");
    await userEvent.type(rate, "2.5");
    expect((rate as HTMLInputElement).value).toBe("2.5");
    await userEvent.click(screen.getByRole("button", { name: "Add parameter" }));
    await userEvent.selectOptions(screen.getByLabelText("Parameter 2 type"), "boolean");
    await userEvent.selectOptions(screen.getByLabelText("Parameter 2 default"), "true");
    await userEvent.click(screen.getByRole("button", { name: "Save" }));

    await waitFor(() => expect(saved).toHaveLength(1));
    expect((saved[0]!.graph as { parameters: unknown }).parameters).toEqual([
      { name: "param_1", type: "number", default: 2.5 },
      { name: "param_2", type: "boolean", default: true },
    ]);
  });
});
