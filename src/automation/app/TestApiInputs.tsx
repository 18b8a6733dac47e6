/**
 * Inert file inputs for the test API: Playwright's setInputFiles puts files here, then
 * `window.__fer.planFromTestInput()` runs the same import code as the drop zone.
 */
export function TestApiInputs() {
  return (
    <div hidden>
      <input type="file" multiple data-testid="testapi.files" aria-hidden="true" tabIndex={-1} />
      <input
        type="file"
        data-testid="testapi.folder"
        aria-hidden="true"
        tabIndex={-1}
        {...{ webkitdirectory: '' }}
      />
    </div>
  );
}
