/**
 * scripts/bench/torch_train_step.py as the GPU-server bench calls it: several batches and a
 * forward-only batch in one process, and one clear error line (exit 3) without torch or CUDA.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseTorchLines } from './report';

// Debian's python3-torch lives under the system interpreter (as in scripts/bench/model.ts).
const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
const SCRIPT = 'scripts/bench/torch_train_step.py';
const hasTorch = spawnSync(PYTHON, ['-c', 'import torch']).status === 0;
const hasCuda =
  hasTorch &&
  spawnSync(PYTHON, ['-c', 'import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)'])
    .status === 0;

// Say why a case is skipped, in the test output, so a skip is never mistaken for a pass.
if (!hasTorch)
  console.warn(
    `torch.test: PyTorch is not importable by ${PYTHON}; its timed-batches case is skipped`,
  );
if (hasCuda) console.warn('torch.test: CUDA is available; the no-CUDA error case is skipped');

describe('torch_train_step.py', () => {
  it.skipIf(hasCuda)(
    'says in one line why there are no CUDA rows, and exits with 3',
    () => {
      const r = spawnSync(PYTHON, [SCRIPT, 'full', '--device', 'cuda', '--batches', '1x8'], {
        encoding: 'utf8',
      });
      expect(r.status).toBe(3);
      const [line] = parseTorchLines(r.stdout);
      expect(line?.error).toMatch(
        hasTorch
          ? /^CUDA is not available to PyTorch .*no PyTorch CUDA rows$/
          : /^PyTorch is not installed/,
      );
      expect(r.stderr).toContain('torch_train_step: ');
    },
    60_000,
  );

  it.skipIf(!hasTorch)(
    'times each batch and the forward-only batch, one JSON line each',
    () => {
      const r = spawnSync(
        PYTHON,
        // 1x1: batch norm over one value at the last stage (1 frame, 1x1 map) fails in torch;
        // that row records it and the rest run.
        [SCRIPT, 'tiny', '--batches', '1x1,1x2,2x2', '--forward-batches', '1x4', '--reps', '1'],
        { encoding: 'utf8' },
      );
      expect(r.status, r.stderr).toBe(0);
      const rows = parseTorchLines(r.stdout);
      expect(rows.map((x) => [x.mode, x.clips, x.framesPerClip])).toEqual([
        ['train', 1, 1],
        ['train', 1, 2],
        ['train', 2, 2],
        ['forward', 1, 4],
      ]);
      expect(rows[0]?.error).toMatch(/Expected more than 1 value per channel/);
      expect(rows[1]?.trainMs).toBeGreaterThan(0);
      expect(rows[3]?.forwardMs).toBeGreaterThan(0);
      expect(rows[3]?.trainMs).toBeUndefined();
    },
    60_000,
  );
});
