/** Saves bytes or text as a file through a temporary link (the browser's download). */
export function downloadBlob(name: string, data: Blob | string | Uint8Array, type?: string): void {
  const blob =
    data instanceof Blob
      ? data
      : new Blob([typeof data === 'string' ? data : new Uint8Array(data)], {
          type: type ?? 'application/octet-stream',
        });
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 30_000);
}

/** A file-name-safe version of a name (keeps letters of any script, digits, - and _). */
export function safeFileName(s: string): string {
  const out = s
    .normalize('NFC')
    .replace(/[^\p{L}\p{N}_-]+/gu, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80);
  return out || 'run';
}
