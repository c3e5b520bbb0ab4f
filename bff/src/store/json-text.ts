// JSON assembled by the database (issue 12; docs/decisions/0013-registry-read-path.md).
// The registry's big reads (a list page, a model's 100 versions) spent most of
// their time turning each column of each row into a JS value through the SQL
// driver, re-parsing the JSON columns and stringifying it all again. Here the
// statement itself writes each row's JSON text from the columns, computed at
// read time from the rows it reads (nothing cached, nothing to go stale): one
// string per row crosses into JS, and JSON columns (written by JSON.stringify
// from validated values) are embedded as stored, never parsed.
import { sql, type RawBuilder } from 'kysely';
import type { Engine } from './engine.js';

/** JSON text of a `T`, as the store assembled it; the brand keeps a text of one shape from passing for another. */
export type JsonText<T> = string & { readonly __jsonOf?: T };

/** How a column becomes JSON: a text value quoted, an integer as digits, a JSON text column as it is stored. */
export type JsonFieldKind = 'text' | 'integer' | 'json';

/** A field of a JSON object text: a column's value, or a nested object of fields. */
export type JsonField =
  | {
      key: string;
      value: RawBuilder<unknown>;
      kind: JsonFieldKind;
      /** Omitted from the object when the column is NULL (an optional field), instead of `null`. */
      omitNull?: boolean;
    }
  | { key: string; fields: readonly JsonField[]; open?: boolean };

/** The JSON of one column value; NULL becomes `null`. */
function jsonValue(engine: Engine, value: RawBuilder<unknown>, kind: JsonFieldKind): RawBuilder<string> {
  switch (kind) {
    case 'text':
      // SQLite's json_quote answers the text `null` for NULL; PostgreSQL's to_json answers NULL.
      return engine === 'postgres' ? sql<string>`coalesce(to_json(${value})::text, 'null')` : sql<string>`json_quote(${value})`;
    case 'integer':
      return sql<string>`coalesce(cast(${value} as text), 'null')`;
    case 'json':
      return sql<string>`coalesce(${value}, 'null')`;
  }
}

/** Appends an object's template (with %s where a value goes) and its values. */
function appendObject(engine: Engine, fields: readonly JsonField[], open: boolean, template: string[], values: RawBuilder<unknown>[]): void {
  template.push('{');
  fields.forEach((field, index) => {
    // Keys are inlined into the statement's text (one prepared statement, whatever the values).
    if (!/^[a-z_][a-z0-9_]*$/.test(field.key)) throw new Error(`not a JSON key this helper inlines: ${field.key}`);
    const label = `${index === 0 ? '' : ','}"${field.key}":`;
    if ('fields' in field) {
      template.push(label);
      appendObject(engine, field.fields, field.open ?? false, template, values);
    } else if (field.omitNull) {
      if (index === 0) throw new Error('the first field of a JSON object text cannot be optional');
      template.push('%s');
      values.push(sql`(case when ${field.value} is null then '' else ${sql.lit(label)} || ${jsonValue(engine, field.value, field.kind)} end)`);
    } else {
      template.push(`${label}%s`);
      values.push(jsonValue(engine, field.value, field.kind));
    }
  });
  if (!open) template.push('}');
}

/**
 * An SQL expression whose value is the JSON text of an object with `fields`
 * in order, the same on SQLite and PostgreSQL: one format() call (both
 * engines have it, with the same %s) writes the whole text into one buffer,
 * where a chain of || copied the growing text at every step. `open` leaves
 * the outermost closing brace off, for a caller that appends fields computed
 * in JS (an open nested object as the last field leaves its brace off too).
 */
export function jsonObjectText(engine: Engine, fields: readonly JsonField[], options: { open?: boolean } = {}): RawBuilder<string> {
  const template: string[] = [];
  const values: RawBuilder<unknown>[] = [];
  appendObject(engine, fields, options.open ?? false, template, values);
  return sql<string>`format(${sql.lit(template.join(''))}, ${sql.join(values)})`;
}

/** A JSON array of JSON texts. */
export function jsonArrayText<T>(items: readonly JsonText<T>[]): JsonText<T[]> {
  return `[${items.join(',')}]`;
}
