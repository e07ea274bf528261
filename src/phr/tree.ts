import { join } from 'node:path';
import type { TreeGroup } from '../records/export-tree.js';
import { type PhrStage, phrFileName } from './phr.js';
import { PROMPTS_DIR as PROMPTS } from './service.js';
import type { PhrRow } from './store.js';

/**
 * PHR rows as entries of an exported Spec-Kit Plus tree: `history/prompts/<route>/NNNN-slug.<stage>.prompt.md`,
 * the name PhrService gives a file (used when the row has no file_path).
 */
export function phrTree(rows: readonly PhrRow[]): TreeGroup {
  return {
    entries: rows.map((row) => ({
      // Not phrLabel: a bad number in a row must not stop the export.
      label: `PHR-${String(row.number).padStart(4, '0')} (${row.route})`,
      folder: PROMPTS,
      stored: row.filePath,
      computed: () => join(PROMPTS, row.route, phrFileName(row.number, row.title, row.stage as PhrStage)),
      markdown: row.markdown,
    })),
  };
}
