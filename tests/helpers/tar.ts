import { gzipSync } from 'node:zlib';

/** One entry of a test archive; `type` defaults to a file. */
export interface TestEntry {
  name: string;
  content?: string | Buffer;
  type?: 'file' | 'directory' | 'symlink' | 'hardlink' | 'fifo';
  linkname?: string;
  /** Write the name as a pax `path` record (for long or hostile names). */
  pax?: boolean;
}

const FLAGS = { file: '0', hardlink: '1', symlink: '2', fifo: '6', directory: '5' } as const;

function header(name: string, size: number, flag: string, linkname = ''): Buffer {
  const block = Buffer.alloc(512);
  block.write(name.slice(0, 100), 0, 'utf8');
  block.write('0000644\0', 100);
  block.write('0000000\0', 108);
  block.write('0000000\0', 116);
  block.write(`${size.toString(8).padStart(11, '0')}\0`, 124);
  block.write('00000000000\0', 136);
  block.write(flag, 156);
  block.write(linkname, 157);
  block.write('ustar\0', 257);
  block.write('00', 263);
  block.fill(32, 148, 156);
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return block;
}

function padded(data: Buffer): Buffer {
  return Buffer.concat([data, Buffer.alloc((512 - (data.length % 512)) % 512)]);
}

function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let length = body.length + 1;
  while (`${length}${body}`.length !== length) length++;
  return `${length}${body}`;
}

/** A tar archive (uncompressed) in GitHub's shape: a pax global header, then the entries. */
export function tar(entries: readonly TestEntry[]): Buffer {
  const blocks: Buffer[] = [];
  const global = Buffer.from(paxRecord('comment', '0123456789abcdef'));
  blocks.push(header('pax_global_header', global.length, 'g'), padded(global));
  for (const entry of entries) {
    const type = entry.type ?? 'file';
    const data = type === 'file' ? Buffer.from(entry.content ?? '') : Buffer.alloc(0);
    if (entry.pax || Buffer.byteLength(entry.name) > 100) {
      const records = Buffer.from(paxRecord('path', entry.name));
      blocks.push(header('PaxHeader', records.length, 'x'), padded(records));
    }
    blocks.push(header(entry.name, data.length, FLAGS[type], entry.linkname), padded(data));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

export function tarGz(entries: readonly TestEntry[]): Buffer {
  return gzipSync(tar(entries));
}

/** Yields a buffer in small pieces, the way a download arrives. */
export async function* inPieces(data: Buffer, size = 1000): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < data.length; at += size) yield data.subarray(at, at + size);
}
