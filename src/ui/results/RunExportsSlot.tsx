/**
 * The exports of a run (src/ui/export/RunExports.tsx, built separately) when that module is part
 * of the build; nothing otherwise. A glob import, so this tab builds with or without it.
 */
import type { ComponentType } from 'react';
import type { RunRecord } from '../../train/run/record';

type RunExportsModule = { RunExports?: ComponentType<{ run: RunRecord }> };

const modules = import.meta.glob<RunExportsModule>('../export/RunExports.tsx', { eager: true });
const RunExports = Object.values(modules)[0]?.RunExports ?? null;

export function RunExportsSlot({ run }: { run: RunRecord }) {
  return RunExports ? <RunExports run={run} /> : null;
}
