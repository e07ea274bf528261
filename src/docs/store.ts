import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import type { Chunk } from './chunks.js';
import { identifierTerms } from './terms.js';

/**
 * The docs index file: `chunks` (what results show), `chunks_fts` (the tuned search: title,
 * heading path, prose, code and identifier words as separate, weighted fields, Porter-stemmed),
 * `plain_fts` (one unstemmed field per chunk, the baseline the eval compares against) and
 * `index_meta` (release, counts, sync time).
 */
const SCHEMA = `
CREATE TABLE index_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE chunks (
  id INTEGER PRIMARY KEY, page TEXT NOT NULL, url TEXT NOT NULL, title TEXT NOT NULL,
  heading TEXT NOT NULL, heading_path TEXT NOT NULL, kind TEXT NOT NULL, text TEXT NOT NULL
);
CREATE VIRTUAL TABLE chunks_fts USING fts5(
  title, headings, body, code, terms, content='', tokenize='porter unicode61 remove_diacritics 2'
);
CREATE VIRTUAL TABLE plain_fts USING fts5(text, content='', tokenize='unicode61');
`;

export interface FieldWeights {
  title: number;
  headings: number;
  body: number;
  code: number;
  terms: number;
}

export interface Candidate {
  id: number;
  page: string;
  kind: Chunk['kind'];
  /** bm25, higher is better (SQLite's sign flipped). */
  score: number;
}

export interface StoredChunk {
  id: number;
  page: string;
  url: string;
  title: string;
  heading: string;
  kind: Chunk['kind'];
  text: string;
}

/**
 * Writes a complete index to a temporary file next to `path` and renames it into place, so a failed
 * or interrupted build leaves the previous index serving.
 */
export function writeIndex(path: string, meta: Record<string, string>, chunks: readonly Chunk[]): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  rmSync(temporary, { force: true });
  try {
    const db = new Database(temporary);
    try {
      db.pragma('journal_mode = OFF');
      db.pragma('synchronous = OFF');
      db.exec(SCHEMA);
      fill(db, meta, chunks);
    } finally {
      db.close();
    }
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

function fill(db: Database.Database, meta: Record<string, string>, chunks: readonly Chunk[]): void {
  const insertMeta = db.prepare('INSERT INTO index_meta (key, value) VALUES (?, ?)');
  const insertChunk = db.prepare(
    'INSERT INTO chunks (id, page, url, title, heading, heading_path, kind, text) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const insertFts = db.prepare(
    'INSERT INTO chunks_fts (rowid, title, headings, body, code, terms) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const insertPlain = db.prepare('INSERT INTO plain_fts (rowid, text) VALUES (?, ?)');
  db.transaction(() => {
    for (const [key, value] of Object.entries(meta)) insertMeta.run(key, value);
    chunks.forEach((chunk, index) => {
      const id = index + 1;
      const headings = chunk.headingPath.slice(1).join('\n');
      insertChunk.run(
        id,
        chunk.page,
        chunk.url,
        chunk.title,
        chunk.heading,
        chunk.headingPath.join('\n'),
        chunk.kind,
        chunk.text,
      );
      const terms = identifierTerms(`${chunk.headingPath.join('\n')}\n${chunk.body}\n${chunk.code}`);
      insertFts.run(id, chunk.title, headings, chunk.body, chunk.code, terms);
      insertPlain.run(id, `${chunk.headingPath.at(-1) ?? ''}\n${chunk.body}\n${chunk.code}`);
    });
    db.exec("INSERT INTO chunks_fts (chunks_fts) VALUES ('optimize')");
    db.exec("INSERT INTO plain_fts (plain_fts) VALUES ('optimize')");
  })();
}

/** A read-only view of an index file, with the statements search needs prepared once. */
export class DocsStore {
  private readonly db: Database.Database;
  private readonly tuned: Database.Statement;
  private readonly plain: Database.Statement;
  private readonly byId: Database.Statement;

  constructor(path: string) {
    this.db = new Database(path, { readonly: true, fileMustExist: true });
    const known = this.db.prepare(
      "SELECT count(*) AS n FROM sqlite_master WHERE name IN ('chunks', 'index_meta')",
    );
    if ((known.get() as { n: number }).n !== 2) {
      this.db.close();
      throw new Error(`${path} is not a docs index (run: npm run docs -- sync)`);
    }
    this.tuned = this.db.prepare(
      `SELECT c.id, c.page, c.kind, -f.score AS score FROM (
         SELECT rowid AS id, bm25(chunks_fts, ?, ?, ?, ?, ?) AS score FROM chunks_fts
         WHERE chunks_fts MATCH ? ORDER BY score LIMIT ?
       ) AS f JOIN chunks AS c ON c.id = f.id ORDER BY f.score`,
    );
    this.plain = this.db.prepare(
      `SELECT c.id, c.page, c.kind, -f.score AS score FROM (
         SELECT rowid AS id, bm25(plain_fts) AS score FROM plain_fts WHERE plain_fts MATCH ? ORDER BY score LIMIT ?
       ) AS f JOIN chunks AS c ON c.id = f.id ORDER BY f.score`,
    );
    this.byId = this.db.prepare('SELECT id, page, url, title, heading, kind, text FROM chunks WHERE id = ?');
  }

  match(query: string, weights: FieldWeights, limit: number): Candidate[] {
    const { title, headings, body, code, terms } = weights;
    return this.tuned.all(title, headings, body, code, terms, query, limit) as Candidate[];
  }

  matchPlain(query: string, limit: number): Candidate[] {
    return this.plain.all(query, limit) as Candidate[];
  }

  chunk(id: number): StoredChunk | undefined {
    return this.byId.get(id) as StoredChunk | undefined;
  }

  meta(): Record<string, string> {
    const rows = this.db.prepare('SELECT key, value FROM index_meta').all() as {
      key: string;
      value: string;
    }[];
    return Object.fromEntries(rows.map(({ key, value }) => [key, value]));
  }

  close(): void {
    this.db.close();
  }
}
