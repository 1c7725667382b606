/**
 * The runtime imports of a TypeScript file: static imports and re-exports that are not type-only,
 * and dynamic `import('...')` with a string literal. Type-only imports vanish at compile time, so
 * they create no run-time edge.
 */
import ts from 'typescript';

export interface RuntimeImport {
  /** The module specifier; `<computed>` for a dynamic import whose argument is not a literal. */
  readonly specifier: string;
  readonly line: number;
}

/** The specifier reported for `import(expression)`: a package found by name at run time. */
export const COMPUTED = '<computed>';

function allTypeOnly(clause: ts.ImportClause): boolean {
  if (clause.isTypeOnly) return true;
  if (clause.name) return false;
  const bindings = clause.namedBindings;
  if (!bindings) return false;
  if (ts.isNamespaceImport(bindings)) return false;
  return bindings.elements.length > 0 && bindings.elements.every((e) => e.isTypeOnly);
}

export function runtimeImports(fileName: string, text: string): RuntimeImport[] {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.ES2022, true);
  const out: RuntimeImport[] = [];
  const add = (node: ts.Node, specifier: string): void => {
    out.push({ specifier, line: sf.getLineAndCharacterOfPosition(node.getStart()).line + 1 });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      if (!node.importClause || !allTypeOnly(node.importClause))
        add(node, node.moduleSpecifier.text);
    } else if (
      ts.isExportDeclaration(node) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      const typeOnly =
        node.isTypeOnly ||
        (node.exportClause !== undefined &&
          ts.isNamedExports(node.exportClause) &&
          node.exportClause.elements.length > 0 &&
          node.exportClause.elements.every((e) => e.isTypeOnly));
      if (!typeOnly) add(node, node.moduleSpecifier.text);
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteralLike(node.arguments[0])
    ) {
      add(node, node.arguments[0].text);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      add(node, COMPUTED);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

/** `@deltaclip/core/internal` -> `@deltaclip/core`; `deltaclip` stays; relative paths -> undefined. */
export function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('#') || specifier.startsWith('node:')) {
    return undefined;
  }
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}
