import { join } from 'node:path';
import type { TreeGroup } from '../records/export-tree.js';
import { ADR_DIR, ADR_DIR_FILE, ADR_DIR_FILE_CONTENT, adrFileName } from './adr.js';
import type { Adr } from './store.js';

/**
 * ADRs as entries of an exported Spec-Kit Plus tree: `history/adr/NNNN-slug.md` (the name AdrService gives a
 * file, used when the row has no file_path), with the `.adr-dir` adr-tools reads.
 */
export function adrTree(adrs: readonly Adr[]): TreeGroup {
  return {
    entries: adrs.map((adr) => ({
      // Not adrNumber: a bad number in a row must not stop the export.
      label: `ADR-${String(adr.number).padStart(4, '0')}`,
      folder: ADR_DIR,
      stored: adr.filePath,
      computed: () => join(ADR_DIR, adrFileName(adr.number, adr.title)),
      markdown: adr.markdown,
    })),
    companion: { path: ADR_DIR_FILE, text: ADR_DIR_FILE_CONTENT },
  };
}
