/**
 * A streaming reader for (uncompressed) tar: ustar, pax extended headers and GNU long names — what
 * `git archive` (GitHub's tarballs) and common tools write. Nothing is extracted: each entry's header
 * is handed to `onEntry`, which says whether to keep its bytes; kept files come back whole in memory.
 */

export type EntryType = 'file' | 'directory' | 'symlink' | 'hardlink' | 'other';

export interface TarEntry {
  name: string;
  type: EntryType;
  size: number;
  linkname: string;
}

export class TarFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TarFormatError';
  }
}

const BLOCK = 512;

function text(block: Buffer, start: number, length: number): string {
  const field = block.subarray(start, start + length);
  const end = field.indexOf(0);
  return field.subarray(0, end === -1 ? field.length : end).toString('utf8');
}

function octal(block: Buffer, start: number, length: number): number {
  const field = block.subarray(start, start + length);
  if ((field[0] ?? 0) & 0x80) {
    // GNU base-256: only sizes that fit a double are meaningful here.
    let value = 0;
    for (let i = 1; i < field.length; i++) value = value * 256 + (field[i] ?? 0);
    return value;
  }
  const digits = text(block, start, length).trim();
  if (digits === '') return 0;
  if (!/^[0-7]+$/.test(digits))
    throw new TarFormatError('not a tar archive (a header has a malformed number)');
  return Number.parseInt(digits, 8);
}

function checksumOk(block: Buffer): boolean {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : (block[i] ?? 0);
  return sum === octal(block, 148, 8);
}

function typeOf(flag: string): EntryType | 'pax' | 'pax-global' | 'gnu-longname' | 'gnu-longlink' {
  switch (flag) {
    case '':
    case '0':
    case '7':
      return 'file';
    case '5':
      return 'directory';
    case '2':
      return 'symlink';
    case '1':
      return 'hardlink';
    case 'x':
      return 'pax';
    case 'g':
      return 'pax-global';
    case 'L':
      return 'gnu-longname';
    case 'K':
      return 'gnu-longlink';
    default:
      return 'other';
  }
}

function paxRecords(data: Buffer): Map<string, string> {
  const records = new Map<string, string>();
  let at = 0;
  while (at < data.length) {
    const space = data.indexOf(0x20, at);
    if (space === -1) break;
    const length = Number.parseInt(data.subarray(at, space).toString('ascii'), 10);
    if (!Number.isFinite(length) || length <= 0)
      throw new TarFormatError('corrupt tar archive (bad pax header)');
    const record = data.subarray(space + 1, at + length - 1).toString('utf8');
    const equals = record.indexOf('=');
    if (equals > 0) records.set(record.slice(0, equals), record.slice(equals + 1));
    at += length;
  }
  return records;
}

/** Header metadata that pax or GNU entries set for the next entry. */
interface Pending {
  path?: string;
  linkpath?: string;
  size?: number;
}

/** Pulls tar entries out of a byte stream, one `push` at a time. */
export class TarReader {
  private header = Buffer.alloc(0);
  private remaining = 0;
  private padding = 0;
  private parts: Buffer[] | undefined;
  private current: { entry: TarEntry; kind: ReturnType<typeof typeOf> } | undefined;
  private pending: Pending = {};
  private ended = false;

  constructor(
    /** Return true to receive the entry's bytes in `onData`. */
    private readonly onEntry: (entry: TarEntry) => boolean,
    private readonly onData: (entry: TarEntry, data: Buffer) => void,
  ) {}

  push(chunk: Buffer): void {
    let at = 0;
    while (at < chunk.length && !this.ended) {
      if (this.padding > 0) {
        const skip = Math.min(this.padding, chunk.length - at);
        this.padding -= skip;
        at += skip;
      } else if (this.current) {
        const take = Math.min(this.remaining, chunk.length - at);
        this.parts?.push(chunk.subarray(at, at + take));
        this.remaining -= take;
        at += take;
        if (this.remaining === 0) this.finishEntry();
      } else {
        const take = Math.min(BLOCK - this.header.length, chunk.length - at);
        this.header = Buffer.concat([this.header, chunk.subarray(at, at + take)]);
        at += take;
        if (this.header.length === BLOCK) {
          const block = this.header;
          this.header = Buffer.alloc(0);
          this.startEntry(block);
        }
      }
    }
  }

  /** Throws if the stream stopped in the middle of an entry. */
  end(): void {
    if (this.current || this.header.length > 0) throw new TarFormatError('truncated tar archive');
  }

  private startEntry(block: Buffer): void {
    if (block.every((byte) => byte === 0)) {
      this.ended = true;
      return;
    }
    if (!checksumOk(block)) throw new TarFormatError('not a tar archive (header checksum mismatch)');
    const kind = typeOf(text(block, 156, 1));
    const prefix = text(block, 257, 6).startsWith('ustar') ? text(block, 345, 155) : '';
    const headerName = prefix ? `${prefix}/${text(block, 0, 100)}` : text(block, 0, 100);
    const meta =
      kind === 'pax' || kind === 'pax-global' || kind === 'gnu-longname' || kind === 'gnu-longlink';
    const size = meta ? octal(block, 124, 12) : (this.pending.size ?? octal(block, 124, 12));
    const entry: TarEntry = {
      name: this.pending.path ?? headerName,
      type:
        kind === 'file' || kind === 'directory' || kind === 'symlink' || kind === 'hardlink' ? kind : 'other',
      size: kind === 'directory' || kind === 'symlink' || kind === 'hardlink' ? 0 : size,
      linkname: this.pending.linkpath ?? text(block, 157, 100),
    };
    if (!meta) this.pending = {};
    const keep = meta ? kind !== 'pax-global' : this.onEntry(entry);
    if (meta && size > 1024 * 1024)
      throw new TarFormatError('corrupt tar archive (oversized metadata header)');
    this.current = { entry, kind };
    this.parts = keep ? [] : undefined;
    this.remaining = entry.size;
    this.padding = 0;
    if (this.remaining === 0) this.finishEntry();
  }

  private finishEntry(): void {
    const current = this.current;
    if (!current) return;
    const { entry, kind } = current;
    const data = this.parts ? Buffer.concat(this.parts) : undefined;
    this.current = undefined;
    this.parts = undefined;
    this.padding = (BLOCK - (entry.size % BLOCK)) % BLOCK;
    if (!data) return;
    if (kind === 'pax') {
      const records = paxRecords(data);
      const size = records.get('size');
      this.pending = {
        ...this.pending,
        ...(records.has('path') ? { path: records.get('path') } : {}),
        ...(records.has('linkpath') ? { linkpath: records.get('linkpath') } : {}),
        ...(size !== undefined ? { size: Number.parseInt(size, 10) } : {}),
      };
    } else if (kind === 'gnu-longname') this.pending.path = data.toString('utf8').replace(/\0+$/, '');
    else if (kind === 'gnu-longlink') this.pending.linkpath = data.toString('utf8').replace(/\0+$/, '');
    else this.onData(entry, data);
  }
}
