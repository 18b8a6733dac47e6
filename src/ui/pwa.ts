/**
 * Registers the service worker (sw.js, emitted by scripts/vite/serviceWorker.ts) in production
 * builds, so the workbench works offline after a first load and can be installed. Automated
 * browsers (navigator.webdriver) register it only when the URL has `?sw=1`, so that e2e tests
 * are not disturbed by a background precache.
 */
export function shouldRegisterServiceWorker(search: string, webdriver: boolean): boolean {
  const flag = new URLSearchParams(search).get('sw');
  if (flag === '1') return true;
  if (flag === '0') return false;
  return !webdriver;
}

export function registerServiceWorker(): void {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return;
  if (!shouldRegisterServiceWorker(location.search, navigator.webdriver)) return;
  const register = (): void => {
    navigator.serviceWorker
      .register(`${import.meta.env.BASE_URL}sw.js`, { scope: import.meta.env.BASE_URL })
      .catch((e: unknown) => console.warn('service worker not registered:', e));
  };
  if (document.readyState === 'complete') register();
  else addEventListener('load', register, { once: true });
}
