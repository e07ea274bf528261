/**
 * Docstrings for `::: fastapi.X` reference stubs, read from the archive's Python source without
 * running it: the top-level `class X` or `def X(` in the module the dotted name points at (or any
 * module of the package), then the triple-quoted string that opens its body.
 */
export function findDocstring(files: ReadonlyMap<string, string>, dotted: string): string | undefined {
  const parts = dotted.split('.');
  const name = parts.at(-1) ?? '';
  if (parts[0] !== 'fastapi' || !/^\w+$/.test(name)) return undefined;
  const modulePath = parts.slice(0, -1).join('/');
  const candidates = [`${modulePath}.py`, `${modulePath}/__init__.py`];
  const ordered = [
    ...candidates,
    ...[...files.keys()].filter((path) => path.startsWith(`${modulePath}/`) && path.endsWith('.py')),
    ...[...files.keys()].filter((path) => path.startsWith('fastapi/') && path.endsWith('.py')),
  ];
  for (const path of new Set(ordered)) {
    const source = files.get(path);
    const docstring = source === undefined ? undefined : docstringIn(source, name);
    if (docstring) return docstring;
  }
  return undefined;
}

function docstringIn(source: string, name: string): string | undefined {
  const lines = source.split('\n');
  const start = lines.findIndex((line) =>
    new RegExp(`^(?:class ${name}\\b|(?:async )?def ${name}\\()`).test(line),
  );
  if (start === -1) return undefined;
  // The signature ends at the first line, at the definition's own indentation or the line itself,
  // that closes with ':' (a multi-line def ends with `) -> Type:` at column 0).
  let end = start;
  if (!/:\s*(#.*)?$/.test(lines[start] ?? '')) {
    end = lines.findIndex((line, i) => i > start && /^\)[^#]*:\s*(#.*)?$/.test(line));
    if (end === -1 || end - start > 2000) return undefined;
  }
  const body = lines.slice(end + 1);
  const first = body.findIndex((line) => line.trim() !== '');
  const opening = /^(\s+)[rR]?("""|''')(.*)$/.exec(body[first] ?? '');
  if (!opening) return undefined;
  const quote = opening[2] ?? '"""';
  const collected: string[] = [];
  let rest = opening[3] ?? '';
  for (let i = first; i < body.length; i++) {
    if (i > first) rest = body[i] ?? '';
    const close = rest.indexOf(quote);
    if (close !== -1) {
      collected.push(rest.slice(0, close));
      return dedent(collected).trim() || undefined;
    }
    collected.push(rest);
  }
  return undefined;
}

function dedent(lines: string[]): string {
  const indents = lines
    .slice(1)
    .filter((line) => line.trim() !== '')
    .map((line) => /^ */.exec(line)?.[0].length ?? 0);
  const cut = indents.length === 0 ? 0 : Math.min(...indents);
  return [lines[0] ?? '', ...lines.slice(1).map((line) => line.slice(cut))].join('\n');
}
