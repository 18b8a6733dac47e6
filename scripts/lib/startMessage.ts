/**
 * What `npm start` prints (scripts/start.ts). It once printed nothing useful where no browser
 * could be opened (a server, a container, WSL): vite's --open fails silently there. Now the
 * address comes first, on its own line, and whether a browser was opened (issue 17 item 13).
 */

/** Whether a browser can be opened here: macOS and Windows always; Linux needs a display. */
export function canOpenBrowser(
  platform: NodeJS.Platform,
  env: Readonly<Record<string, string | undefined>>,
): boolean {
  if ((env.BROWSER ?? '').toLowerCase() === 'none') return false;
  if (platform === 'darwin' || platform === 'win32') return true;
  return Boolean(env.DISPLAY || env.WAYLAND_DISPLAY);
}

/** The command that opens `url` in the default browser, per platform. */
export function openCommand(platform: NodeJS.Platform, url: string): [string, string[]] {
  if (platform === 'darwin') return ['open', [url]];
  if (platform === 'win32') return ['cmd', ['/c', 'start', '""', url]];
  return ['xdg-open', [url]];
}

export type OpenOutcome = 'opening' | 'no-display' | 'not-asked' | 'failed';

/** The lines printed once the server listens. */
export function startBanner(url: string, open: OpenOutcome): string {
  const lines = [
    '',
    `  FER Workbench is running at ${url}`,
    '',
    open === 'opening'
      ? '  Opening it in your browser.'
      : open === 'failed'
        ? openFailed(url)
        : open === 'no-display'
          ? `  No display to open a browser on: open ${url} in Chrome, Edge or Firefox.`
          : `  Open ${url} in Chrome, Edge or Firefox.`,
    '  Press Ctrl+C to stop the server.',
    '',
  ];
  return lines.join('\n');
}

/** Printed when the browser could not be opened after all. */
export function openFailed(url: string): string {
  return `  Could not open a browser: open ${url} in Chrome, Edge or Firefox.`;
}
