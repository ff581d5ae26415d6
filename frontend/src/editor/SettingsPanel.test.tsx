import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { DEFAULT_SETTINGS, type JobSettings } from "../jobs/api";
import { SettingsPanel } from "./SettingsPanel";

function renderPanel(settings: JobSettings, errors: Record<string, string[]> = {}) {
  const onSettings = vi.fn();
  render(<SettingsPanel settings={settings} onSettings={onSettings} parameters={[]} onParameters={() => {}} errors={errors} />);
  return onSettings;
}

describe("the job's node metrics setting", () => {
  it("shows the job's mode and changes it to exact", async () => {
    const settings: JobSettings = { ...DEFAULT_SETTINGS, name: "orders" };
    const onSettings = renderPanel(settings);
    const select = screen.getByLabelText<HTMLSelectElement>("Node metrics");
    expect(select.value).toBe("fast");
    await userEvent.selectOptions(select, "exact");
    expect(onSettings).toHaveBeenCalledWith({ ...settings, node_metrics: "exact" });
  });

  it("reads fast for a job saved before the setting existed, and shows the server's complaint next to it", () => {
    const { node_metrics: _absent, ...older } = { ...DEFAULT_SETTINGS, name: "old" };
    void _absent;
    renderPanel(older, { node_metrics: ['"slow" is not a node metrics mode: use "fast" or "exact"'] });
    expect(screen.getByLabelText<HTMLSelectElement>("Node metrics").value).toBe("fast");
    expect(screen.getByText('"slow" is not a node metrics mode: use "fast" or "exact"')).toBeTruthy();
  });
});
