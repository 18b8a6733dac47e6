/**
 * max |got - want| / max |want| over two equally long arrays: the relative error the numeric
 * tests state their tolerances in. Throws on a length mismatch or an empty reference; a
 * reference of all zeros gives the absolute difference.
 */
export function relErr(got: ArrayLike<number>, want: ArrayLike<number>): number {
  if (got.length !== want.length)
    throw new Error(`relErr: ${got.length} values against ${want.length}`);
  if (want.length === 0) throw new Error('relErr: empty reference');
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < want.length; i++) {
    diff = Math.max(diff, Math.abs((got[i] ?? NaN) - (want[i] ?? NaN)));
    scale = Math.max(scale, Math.abs(want[i] ?? 0));
  }
  return scale === 0 ? diff : diff / scale;
}
