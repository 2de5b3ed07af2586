/**
 * What Treff's source declares, for tests that keep the docs true: every
 * top-level class, interface, type, function, enum and constant of every
 * file under src/, with the names of its members (methods, properties,
 * accessors, parameter properties, the keys of an object-literal constant).
 * Read with the TypeScript parser, so a renamed method is a missing member.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";

export interface Declaration {
  file: string;
  members: Set<string>;
}

/** Every file below `dir` (recursively) whose name ends with one of `extensions`. */
export function filesUnder(dir: string, extensions: readonly string[] = [".ts"]): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return filesUnder(path, extensions);
      return extensions.some((e) => name.endsWith(e)) ? [path] : [];
    });
}

/** Declarations by name; a name declared in several files (or as a value and a type) has several. */
export function declarationsIn(files: readonly string[]): Map<string, Declaration[]> {
  const index = new Map<string, Declaration[]>();
  const add = (name: string, file: string, members: Iterable<string> = []) => {
    const list = index.get(name) ?? [];
    list.push({ file, members: new Set(members) });
    index.set(name, list);
  };
  for (const file of files) {
    const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
    for (const statement of source.statements) {
      if (ts.isClassDeclaration(statement) && statement.name) add(statement.name.text, file, classMembers(statement));
      else if (ts.isInterfaceDeclaration(statement)) add(statement.name.text, file, typeMembers(statement.members));
      else if (ts.isTypeAliasDeclaration(statement)) {
        add(statement.name.text, file, ts.isTypeLiteralNode(statement.type) ? typeMembers(statement.type.members) : []);
      } else if (ts.isFunctionDeclaration(statement) && statement.name) add(statement.name.text, file);
      else if (ts.isEnumDeclaration(statement)) add(statement.name.text, file, statement.members.map((m) => m.name.getText()));
      else if (ts.isVariableStatement(statement)) {
        for (const declaration of statement.declarationList.declarations) {
          if (ts.isIdentifier(declaration.name)) add(declaration.name.text, file, objectKeys(declaration.initializer));
        }
      }
    }
  }
  return index;
}

function nameOf(name: ts.PropertyName | ts.BindingName | undefined): string | undefined {
  if (!name) return undefined;
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isPrivateIdentifier(name)) return name.text;
  return undefined;
}

function classMembers(node: ts.ClassDeclaration): string[] {
  const members: string[] = [];
  for (const member of node.members) {
    if (ts.isConstructorDeclaration(member)) {
      // `constructor(private readonly x: X)` declares a member too.
      for (const parameter of member.parameters) if (parameter.modifiers?.length) members.push(nameOf(parameter.name) ?? "");
    } else {
      const name = nameOf(member.name);
      if (name) members.push(name);
    }
  }
  return members;
}

function typeMembers(members: ts.NodeArray<ts.TypeElement>): string[] {
  return members.flatMap((m) => nameOf(m.name) ?? []);
}

/** The keys of `{ … }`, also under `as const` or `satisfies`. */
function objectKeys(initializer: ts.Expression | undefined): string[] {
  let node = initializer;
  while (node && (ts.isAsExpression(node) || ts.isSatisfiesExpression(node) || ts.isParenthesizedExpression(node))) node = node.expression;
  if (!node || !ts.isObjectLiteralExpression(node)) return [];
  return node.properties.flatMap((p) => nameOf(p.name) ?? []);
}
