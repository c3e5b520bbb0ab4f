// Statements built and compiled by Kysely once, run many times (issue 12;
// docs/decisions/0013-registry-read-path.md). Building a query and compiling
// it walks its whole operation tree on every call: for the registry page (its
// JSON-writing select list) that cost more than SQLite running it, and for the
// access check's one-row read about as much as the read. A prepared statement
// is built once per engine (and shape) with placeholders where its arguments
// go; each call only fills the compiled statement's parameters. Only SQL text
// is kept, never data: every call reads the database.
import { CompiledQuery, type Compilable } from 'kysely';
import type { Db } from './database.js';
import { engineOf } from './engine.js';
import { SqliteDb } from './sqlite-connection.js';

/** Stands for the index-th argument while the statement is built. */
class Placeholder {
  constructor(readonly index: number) {}
}

/** The compiled SQL and, per parameter, which argument fills it (or the constant the builder bound itself). */
interface Template {
  sql: string;
  parameters: ({ argument: number } | { constant: unknown })[];
}

/** Shapes per prepared statement at most (a registry page has a few hundred: sort, order, filters, words). */
const MAX_SHAPES = 2000;

function templateOf(compiled: CompiledQuery, argumentCount: number): Template {
  const seen = new Set<number>();
  const parameters = compiled.parameters.map((parameter) => {
    if (parameter instanceof Placeholder) {
      seen.add(parameter.index);
      return { argument: parameter.index };
    }
    return { constant: parameter };
  });
  // Every argument must be a bound parameter: one the builder inlined or dropped would make the template wrong.
  if (seen.size !== argumentCount) throw new Error(`a prepared statement bound ${seen.size} of its ${argumentCount} arguments as parameters`);
  return { sql: compiled.sql, parameters };
}

/**
 * A statement of one shape per `shape` key (an empty key: always the same),
 * whose builder receives its arguments in order. The builder must bind each
 * argument as a value (as `where` and sql`${…}` do), which preparing checks.
 */
export function preparedStatement<Shape, Row>(
  shapeKey: (shape: Shape) => string,
  build: (db: Db, shape: Shape, args: readonly unknown[]) => Compilable<Row>,
): (db: Db, shape: Shape, args: readonly unknown[]) => CompiledQuery<Row> {
  const templates = new Map<string, Template>();
  return (db, shape, args) => {
    // The compiled text depends on the engine's dialect only (the BFF's Kysely instances have no plugins).
    const key = `${engineOf(db)}\u0000${shapeKey(shape)}\u0000${args.length}`;
    let template = templates.get(key);
    if (!template) {
      template = templateOf(build(db, shape, args.map((_, index) => new Placeholder(index))).compile(), args.length);
      if (templates.size >= MAX_SHAPES) templates.delete(templates.keys().next().value!);
      templates.set(key, template);
    }
    const parameters = template.parameters.map((parameter) => ('argument' in parameter ? args[parameter.argument] : parameter.constant));
    return CompiledQuery.raw(template.sql, parameters) as CompiledQuery<Row>;
  };
}

/** A statement of one fixed shape: its arguments are the call's. */
export function preparedQuery<Args extends unknown[], Row>(build: (db: Db, ...args: Args) => Compilable<Row>): (db: Db, ...args: Args) => CompiledQuery<Row> {
  const statement = preparedStatement<null, Row>(
    () => '',
    (db, _shape, args) => build(db, ...(args as Args)),
  );
  return (db, ...args) => statement(db, null, args);
}

/**
 * The first row of a prepared read whose statement returns at most one row (a
 * primary-key lookup): on SQLite one call into libsql (its `get`) under the
 * connection's lock instead of a result set read to its end, which cost about
 * a fifth of the access check's read in the server (store/sqlite-connection.ts).
 */
export function firstRow<Row>(db: Db, query: CompiledQuery<Row>): Promise<Row | undefined> {
  if (db instanceof SqliteDb) return db.firstRow(query);
  return db.executeQuery(query).then((result) => result.rows[0]);
}
