/**
 * Where the user is, kept in the URL's hash so that a reload, a shared link and the browser's
 * back / forward buttons return to it (issue 17 item 7): `#train` opens the Train tab,
 * `#train?run=run-abc` also selects that run, `#results?phase=1&run=run-abc` a run and phase. Choosing a tab adds a history entry; selecting
 * something within a tab (a run) replaces the current entry, so back goes to the previous tab.
 */
import { useSyncExternalStore } from 'react';

export const VIEWS = ['data', 'model', 'train', 'results', 'compare', 'inference'] as const;
export type View = (typeof VIEWS)[number];

export interface NavState {
  view: View;
  /** Selections within the tab (e.g. `run`), as strings. */
  params: Record<string, string>;
}

/** `#train?run=a` -> { view: 'train', params: { run: 'a' } }; an unknown tab gives Data. */
export function parseHash(hash: string): NavState {
  const [name = '', query = ''] = hash.replace(/^#/, '').split('?', 2);
  const view = (VIEWS as readonly string[]).includes(name) ? (name as View) : 'data';
  const params: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(query)) params[k] = v;
  return { view, params };
}

/** The inverse of parseHash: `#train`, or `#train?run=a` with parameters (sorted by name). */
export function formatHash(s: NavState): string {
  const q = new URLSearchParams(
    Object.entries(s.params).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  ).toString();
  return `#${s.view}${q ? `?${q}` : ''}`;
}

const CHANGE = 'fer:navigate';
const SERVER: NavState = { view: 'data', params: {} };
let snapshot: NavState | null = null;
let snapshotHash: string | null = null;

function current(): NavState {
  const hash = window.location.hash;
  if (snapshot === null || snapshotHash !== hash) {
    snapshot = parseHash(hash);
    snapshotHash = hash;
  }
  return snapshot;
}

function subscribe(listener: () => void): () => void {
  window.addEventListener('popstate', listener);
  window.addEventListener('hashchange', listener);
  window.addEventListener(CHANGE, listener);
  return () => {
    window.removeEventListener('popstate', listener);
    window.removeEventListener('hashchange', listener);
    window.removeEventListener(CHANGE, listener);
  };
}

function write(next: NavState, mode: 'push' | 'replace'): void {
  const url = new URL(window.location.href);
  url.hash = formatHash(next);
  if (url.href === window.location.href) return;
  if (mode === 'push') window.history.pushState(window.history.state, '', url);
  else window.history.replaceState(window.history.state, '', url);
  window.dispatchEvent(new Event(CHANGE));
}

/** A selection that is a whole number (e.g. `phase=1`), else null. */
export function intParam(params: Record<string, string>, name: string): number | null {
  const v = params[name];
  if (v === undefined || !/^\d+$/.test(v)) return null;
  return Number(v);
}

/** Opens a tab (a new history entry); its selections start empty. */
export function navigate(view: View): void {
  if (current().view === view) return;
  write({ view, params: {} }, 'push');
}

/** Sets (or, with null, removes) a selection of the open tab, in place. */
export function setNavParam(name: string, value: string | null): void {
  const s = current();
  const params = Object.fromEntries(Object.entries(s.params).filter(([k]) => k !== name));
  if (value !== null) params[name] = value;
  write({ view: s.view, params }, 'replace');
}

/** Writes the hash of the open tab when the URL had none (or an unknown one): `#data`. */
export function normaliseHash(): void {
  write(current(), 'replace');
}

/** The open tab and its selections, re-rendering on navigation, reloads and back / forward. */
export function useNavigation(): NavState {
  return useSyncExternalStore(subscribe, current, () => SERVER);
}
