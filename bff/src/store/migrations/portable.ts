// Column types that differ between the engines, side by side. On SQLite they
// compile to exactly what the migrations always wrote (existing databases ran
// them); on PostgreSQL:
// - text compares byte-wise (COLLATE "C"), the order SQLite uses for ids, ISO
//   instants and keyset cursors, whatever the database's default collation;
// - an auto-increment key is an identity column (PostgreSQL has no AUTOINCREMENT).
import { sql, type ColumnDefinitionBuilder, type Expression, type Kysely } from 'kysely';
import { engineOf } from '../engine.js';

export interface PortableTypes {
  text: 'text' | Expression<unknown>;
  autoIncrementKey: (column: ColumnDefinitionBuilder) => ColumnDefinitionBuilder;
}

export function portableTypes(db: Kysely<unknown>): PortableTypes {
  if (engineOf(db) === 'postgres') {
    return {
      text: sql`text collate "C"`,
      autoIncrementKey: (column) => column.primaryKey().generatedByDefaultAsIdentity(),
    };
  }
  return { text: 'text', autoIncrementKey: (column) => column.primaryKey().autoIncrement() };
}
