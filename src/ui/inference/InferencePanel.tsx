/** Live inference with a stored or imported model on new media. */
export function InferencePanel() {
  return <section data-testid="inference.panel">Inference</section>;
}
