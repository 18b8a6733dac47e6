import { describe, expect, it } from 'vitest';
import {
  I32,
  instancePerMemory,
  moduleBytes,
  op,
  ops,
  sleb,
  uleb,
  wasmSimdSupported,
} from './wasmAsm';

describe('wasmAsm', () => {
  it('encodes LEB128', () => {
    expect(uleb(0)).toEqual([0]);
    expect(uleb(127)).toEqual([0x7f]);
    expect(uleb(128)).toEqual([0x80, 0x01]);
    expect(uleb(624485)).toEqual([0xe5, 0x8e, 0x26]);
    expect(sleb(0)).toEqual([0]);
    expect(sleb(63)).toEqual([0x3f]);
    expect(sleb(64)).toEqual([0xc0, 0x00]);
    expect(sleb(-1)).toEqual([0x7f]);
    expect(sleb(-64)).toEqual([0x40]);
    expect(sleb(-65)).toEqual([0xbf, 0x7f]);
    expect(sleb(-123456)).toEqual([0xc0, 0xbb, 0x78]);
  });

  it('builds a module over an imported memory, one instance per memory (Node has SIMD)', () => {
    expect(wasmSimdSupported()).toBe(true);
    // w(addr, value): memory[addr] (i32) = value - 1000 (a multi-byte signed constant)
    const body = ops(op.get(0), op.get(1), op.i32(-1000), op.i32Add, [0x36, 0x02, 0x00]);
    const build = (shared: boolean) =>
      moduleBytes(shared, [{ name: 'w', params: [I32, I32], locals: [], body }]);
    let made = 0;
    const get = instancePerMemory(build, (e) => (made++, e['w'] as (a: number, v: number) => void));
    const memory = new WebAssembly.Memory({ initial: 1 });
    const w = get(memory);
    expect(get(memory)).toBe(w);
    w?.(8, 1234);
    expect(new Int32Array(memory.buffer)[2]).toBe(234);
    const shared = new WebAssembly.Memory({ initial: 1, maximum: 65536, shared: true });
    get(shared)?.(4, 999);
    expect(new Int32Array(shared.buffer)[1]).toBe(-1);
    expect(made).toBe(2);
    // Bytes that do not compile give null, remembered.
    const bad = instancePerMemory(
      () => new Uint8Array([0, 1, 2]),
      () => 1,
    );
    expect(bad(memory)).toBeNull();
    expect(bad(memory)).toBeNull();
  });
});
