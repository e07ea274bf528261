import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { SRC, sourceFiles } from './source-files.js';

type FunctionLike = ts.FunctionLikeDeclaration;

/** Lines of a function's body, less the lines of functions nested inside it. */
function ownLines(node: FunctionLike, source: ts.SourceFile): number {
  const lineOf = (pos: number) => source.getLineAndCharacterOfPosition(pos).line;
  const span = (n: ts.Node) => lineOf(n.getEnd()) - lineOf(n.getStart(source)) + 1;
  let nested = 0;
  const visit = (child: ts.Node) => {
    if (ts.isFunctionLike(child) && (child as FunctionLike).body) nested += span(child);
    else ts.forEachChild(child, visit);
  };
  if (node.body) ts.forEachChild(node.body, visit);
  return span(node) - nested;
}

function longFunctions(file: string, limit: number): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isFunctionLike(node) && (node as FunctionLike).body) {
      const lines = ownLines(node as FunctionLike, source);
      const name = (node as FunctionLike).name?.getText(source) ?? '(anonymous)';
      const at = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
      if (lines > limit) found.push(`${relative(SRC, file)}:${at} ${name} (${lines} lines)`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe('the code stays readable in pieces', () => {
  it('has no source file over 400 lines', () => {
    const long = sourceFiles()
      .map((file) => ({ file: relative(SRC, file), lines: readFileSync(file, 'utf8').split('\n').length }))
      .filter((entry) => entry.lines > 400);
    expect(long).toEqual([]);
  });

  it('has no function with more than 80 lines of its own', () => {
    expect(sourceFiles().flatMap((file) => longFunctions(file, 80))).toEqual([]);
  });
});
