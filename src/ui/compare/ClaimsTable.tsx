/**
 * The paper's claims over the runs the Compare tab lists, paired by seed (src/evaluate/claims.ts,
 * the same table `experiment` writes into summary.md). Renders state only: the tab passes its
 * runs; every number shown is computed from their records.
 */
import { useMemo } from 'react';
import {
  CLAIM_NEEDS,
  CLAIM_TEST,
  computeClaims,
  FEW_SEEDS,
  NON_INFERIORITY_MARGIN,
  type RunRole,
} from '../../evaluate/claims';
import { claimText } from '../../evaluate/claimText';
import type { RunRecord } from '../../train/run/record';

const ROLE_ORDER: readonly RunRole[] = ['reference', 'baseline', 'noise-off', 'balance-off'];

export function ClaimsTable({ runs }: { runs: readonly RunRecord[] }) {
  const result = useMemo(() => computeClaims(runs), [runs]);
  const { claims, roles, unmatched } = result;
  const anyPairs = claims.some((c) => c.n > 0);
  const margin = (100 * NON_INFERIORITY_MARGIN).toFixed(0);
  return (
    <section data-testid="compare.claims" aria-labelledby="compare-claims-heading">
      <h3 id="compare-claims-heading">The paper&apos;s claims</h3>
      <p className="muted">
        Each difference is better − worse accuracy on the same seed, in points; the interval is a{' '}
        {CLAIM_TEST} interval over seeds. &quot;&gt;&quot; holds when the interval lies above 0;
        &quot;≥&quot; when it lies above −{margin} points (a non-inferiority margin). Roles come
        from the runs&apos; configs: the noisy-student run (iterations ≥ 1, noise and balancing on)
        against runs differing only in the model, only in noise (off) or only in balancing (off).
        Fewer than {FEW_SEEDS} seeds are flagged.
      </p>
      {!anyPairs && (
        <p data-testid="compare.claims.empty">
          No claim has a pair of finished runs yet. Train the same config with noise off / balance
          off / the baseline variant on the same seeds as a noisy-student run (experiments/
          paper-claims-tiny.json does all of them).
        </p>
      )}
      <table className="table">
        <thead>
          <tr>
            <th scope="col">claim</th>
            <th scope="col">better vs worse</th>
            <th scope="col">split</th>
            <th scope="col">n</th>
            <th scope="col">per-seed differences (points)</th>
            <th scope="col">mean [95 % CI] (points)</th>
            <th scope="col">verdict</th>
          </tr>
        </thead>
        <tbody>
          {claims.map((c) => {
            const t = claimText(c);
            return (
              <tr
                key={c.id}
                data-testid={`compare.claims.${c.id}`}
                data-holds={c.holds}
                data-n={c.n}
                data-split={c.n === 0 ? '' : c.split}
                data-mean={c.mean ?? ''}
              >
                <td>{c.description}</td>
                <td>{t.pair}</td>
                <td>{c.n === 0 ? '—' : c.split}</td>
                <td>{c.n}</td>
                <td>{t.diffs}</td>
                <td>{c.n === 0 ? '—' : `${t.mean} ${t.ci}`}</td>
                <td>
                  <strong>{c.holds ? 'holds' : 'does not hold'}</strong>
                  {c.n === 0 ? (
                    <span className="muted"> (no pairs: needs {CLAIM_NEEDS[c.id]})</span>
                  ) : (
                    c.note && <span className="muted"> ({c.note})</span>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <ul className="muted" data-testid="compare.claims.roles">
        {ROLE_ORDER.map((role) => {
          const names = Object.entries(roles)
            .filter(([, r]) => r === role)
            .map(([name]) => name);
          return names.length > 0 ? (
            <li key={role}>
              {role}: {names.join(', ')}
            </li>
          ) : null;
        })}
        {unmatched.length > 0 && <li>not used by any claim: {unmatched.join(', ')}</li>}
      </ul>
    </section>
  );
}
