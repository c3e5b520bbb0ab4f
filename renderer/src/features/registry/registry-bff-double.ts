// Test double of the BFF's paged registry list (GET /admin/models through app:models:list),
// for the registry's tests only: never imported by shipped code.
import type { ModelSummary } from '../../../../shared/api/models.js';
import type { InvokeRequest } from '../../../../shared/ipc/contract.js';
import { ok } from '../../test-support/model-ops-double.js';

/**
 * The BFF's list over `all`, for the paged mode: q (substring of the id), type, sort by name
 * or type, order, and a cursor that is the offset reached. Each call is recorded by the double.
 */
export function pagedBff(all: ModelSummary[]) {
  return (query: InvokeRequest<'app:models:list'>) => {
    const direction = query.order === 'desc' ? -1 : 1;
    const key = (row: ModelSummary) => (query.sort === 'type' ? `${row.model.type} ${row.model.id}` : row.model.id);
    const matching = all
      .filter((row) => (!query.q || row.model.id.includes(query.q)) && (!query.type || row.model.type === query.type))
      .sort((a, b) => direction * key(a).localeCompare(key(b)));
    const start = query.cursor ? Number(query.cursor.slice(1)) : 0;
    const end = start + Number(query.limit ?? 50);
    return ok({ items: matching.slice(start, end), next_cursor: end < matching.length ? `o${end}` : null });
  };
}

