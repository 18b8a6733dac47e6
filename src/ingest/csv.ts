/**
 * RFC 4180 CSV: quoted fields, doubled quotes inside quotes, CRLF/LF/CR line ends and a
 * leading byte-order mark. `CsvParser` is incremental so a large file can be read in chunks
 * (`csvRecords`) without ever holding it in one string.
 *
 * Choices: blank lines are skipped (never yielded as `['']`); a quote inside an unquoted
 * field is kept as a literal character; text after a closing quote (`"a"b`) is appended to
 * the field; an unterminated quote at the end of input throws `CsvError`.
 */

export class CsvError extends Error {
  /** 1-based line on which the bad record started. */
  readonly line: number;
  constructor(message: string, line: number) {
    super(message);
    this.name = 'CsvError';
    this.line = line;
  }
}

const COMMA = 44;
const QUOTE = 34;
const LF = 10;
const CR = 13;

/** Incremental CSV parser: `push` text chunks, then `end`. Each returns the records completed. */
export class CsvParser {
  private field = '';
  private record: string[] = [];
  private inQuotes = false;
  /** Inside quotes, the previous chunk ended on a quote (closing, or first of a doubled pair). */
  private quotePending = false;
  /** The previous chunk ended on CR, so a leading LF belongs to it. */
  private skipLf = false;
  private started = false;
  private line = 1;
  private recordLine = 1;

  push(chunk: string): string[][] {
    const out: string[][] = [];
    let text = chunk;
    if (!this.started && text.length > 0) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    const n = text.length;
    let i = 0;
    if (this.skipLf && n > 0) {
      this.skipLf = false;
      if (text.charCodeAt(0) === LF) i = 1;
    }
    if (this.quotePending && n > i) {
      this.quotePending = false;
      if (text.charCodeAt(i) === QUOTE) {
        this.field += '"';
        i++;
      } else {
        this.inQuotes = false;
      }
    }
    while (i < n) {
      if (this.inQuotes) {
        const q = text.indexOf('"', i);
        if (q < 0) {
          this.countLines(text, i, n);
          this.field += text.slice(i);
          break;
        }
        this.countLines(text, i, q);
        this.field += text.slice(i, q);
        if (q + 1 >= n) {
          this.quotePending = true;
          break;
        }
        if (text.charCodeAt(q + 1) === QUOTE) {
          this.field += '"';
          i = q + 2;
        } else {
          this.inQuotes = false;
          i = q + 1;
        }
        continue;
      }
      // Unquoted: scan to the next delimiter.
      let j = i;
      let c = 0;
      while (j < n) {
        c = text.charCodeAt(j);
        if (c === COMMA || c === LF || c === CR || c === QUOTE) break;
        j++;
      }
      this.field += text.slice(i, j);
      if (j >= n) break;
      if (c === QUOTE) {
        if (this.field === '') this.inQuotes = true;
        else this.field += '"';
        i = j + 1;
      } else if (c === COMMA) {
        this.record.push(this.field);
        this.field = '';
        i = j + 1;
      } else {
        this.finishRecord(out);
        this.line++;
        this.recordLine = this.line;
        if (c === CR) {
          if (j + 1 >= n) this.skipLf = true;
          else if (text.charCodeAt(j + 1) === LF) j++;
        }
        i = j + 1;
      }
    }
    return out;
  }

  /** Flushes the last record. Throws `CsvError` if a quoted field was never closed. */
  end(): string[][] {
    const out: string[][] = [];
    if (this.quotePending) {
      this.quotePending = false;
      this.inQuotes = false;
    }
    if (this.inQuotes) {
      throw new CsvError(
        `unterminated quoted field starting on line ${this.recordLine}`,
        this.recordLine,
      );
    }
    this.finishRecord(out);
    return out;
  }

  /** 1-based line number of the record being read. */
  get currentLine(): number {
    return this.recordLine;
  }

  private finishRecord(out: string[][]): void {
    this.record.push(this.field);
    this.field = '';
    const rec = this.record;
    this.record = [];
    if (rec.length === 1 && rec[0] === '') return; // blank line
    out.push(rec);
  }

  private countLines(text: string, from: number, to: number): void {
    for (let k = from; k < to; k++) if (text.charCodeAt(k) === LF) this.line++;
  }
}

/** Parses a whole CSV string into records. */
export function parseCsv(text: string): string[][] {
  const p = new CsvParser();
  const out = p.push(text);
  for (const r of p.end()) out.push(r);
  return out;
}

export interface CsvReadOptions {
  /** Bytes read per step (default 1 MiB). */
  chunkBytes?: number;
  /** Called after each chunk with bytes read so far and the blob's size. */
  onProgress?: (bytesRead: number, totalBytes: number) => void;
  /** Stop after this many bytes (e.g. to read just the header). */
  maxBytes?: number;
}

/**
 * Streams the records of a CSV blob (UTF-8), reading it in slices so a 300 MB file never
 * sits in one string. Throws `CsvError` at the end if a quote is left open.
 */
export async function* csvRecords(
  blob: Blob,
  opts: CsvReadOptions = {},
): AsyncGenerator<string[], void, undefined> {
  const chunk = Math.max(1, opts.chunkBytes ?? 1 << 20);
  const limit = Math.min(blob.size, opts.maxBytes ?? blob.size);
  const decoder = new TextDecoder('utf-8');
  const parser = new CsvParser();
  for (let offset = 0; offset < limit; offset += chunk) {
    const end = Math.min(limit, offset + chunk);
    const bytes = new Uint8Array(await blob.slice(offset, end).arrayBuffer());
    const text = decoder.decode(bytes, { stream: end < limit });
    for (const rec of parser.push(text)) yield rec;
    opts.onProgress?.(end, blob.size);
  }
  if (opts.maxBytes !== undefined && limit < blob.size) return; // cut on purpose: no final check
  for (const rec of parser.end()) yield rec;
}

/** The first record of a CSV blob (its header), reading at most `maxBytes` (default 64 KiB). */
export async function csvHeader(blob: Blob, maxBytes = 64 * 1024): Promise<string[] | null> {
  for await (const rec of csvRecords(blob, { maxBytes, chunkBytes: maxBytes })) return rec;
  return null;
}
