/**
 * Put text on the clipboard. The Clipboard API exists only in a secure
 * context (https, or localhost): glueweb served over plain http on a LAN
 * address has none, so fall back to the older copy command on a hidden text
 * area. True when the text was copied.
 */
export async function copyText(text: string): Promise<boolean> {
  if (navigator.clipboard?.writeText) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch {
      // Refused (no permission, page not focused): try the older way.
    }
  }
  const area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.style.position = "fixed";
  area.style.opacity = "0";
  const before = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  document.body.append(area);
  area.focus();
  area.select();
  try {
    return document.execCommand("copy");
  } catch {
    return false;
  } finally {
    area.remove();
    before?.focus();
  }
}
