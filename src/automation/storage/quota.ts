/**
 * Tests only: makes IndexedDB `put` into one store throw `QuotaExceededError` (as a full disk
 * does), after `after` successful puts into that store. Works with fake-indexeddb, whose
 * object stores share one prototype. Returns the function that restores `put`.
 */
export function failPutsInto(store: string, after = 0): () => void {
  const proto = IDBObjectStore.prototype;
  const original = Object.getOwnPropertyDescriptor(proto, 'put');
  const put = original?.value as IDBObjectStore['put'];
  let seen = 0;
  proto.put = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['put']>) {
    if (this.name === store && seen++ >= after) {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    }
    return put.apply(this, args);
  };
  return () => {
    if (original) Object.defineProperty(proto, 'put', original);
  };
}
