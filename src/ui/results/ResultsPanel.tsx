/** The Results tab (issue #6): analysis views of a stored run. */
export function ResultsPanel() {
  return <div data-testid="results">Results</div>;
}
