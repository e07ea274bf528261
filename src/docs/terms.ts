/**
 * Identifier handling shared by the index and the query: `BackgroundTasks` is found as
 * `backgroundtasks` and as `background tasks`; `on_event` is split at `_` by the tokenizer already.
 */
const CAMEL = /\b[A-Za-z][a-z0-9]*(?:[A-Z][a-z0-9]*)+\b/g;

/** The words of a CamelCase or camelCase identifier, lower-cased; undefined for a plain word. */
export function camelWords(identifier: string): string[] | undefined {
  const words = identifier
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(' ');
  return words.length > 1 ? words : undefined;
}

/** Extra terms for the index's `terms` field: the split words of every CamelCase identifier. */
export function identifierTerms(text: string): string {
  const seen = new Set<string>();
  for (const [identifier] of text.matchAll(CAMEL)) {
    if (seen.has(identifier)) continue;
    seen.add(identifier);
  }
  return [...seen]
    .map((identifier) => camelWords(identifier)?.join(' '))
    .filter((words) => words !== undefined)
    .join('\n');
}
