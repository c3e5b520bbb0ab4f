import { act, cleanup, configure, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fail, installModelOpsDouble, ok, type ModelOpsDouble } from '../../test-support/model-ops-double.js';
import { installTableLayout } from '../../test-support/layout.js';
import { resetStore } from '../../test-support/store-reset.js';
import { summary } from '../../test-support/fixtures.js';
import { pagedBff } from './registry-bff-double.js';
import { REGISTRY_FIRST_PAGE_SIZE, REGISTRY_LOCAL_LIMIT, REGISTRY_PAGE_SIZE, REGISTRY_QUERY_PAGE_SIZE } from './registry-slice.js';
import { RegistryScreen } from './RegistryScreen.js';

configure({ asyncUtilTimeout: 5000 });

let double: ModelOpsDouble;
beforeAll(installTableLayout);
beforeEach(resetStore);
afterEach(() => {
  cleanup();
  double.uninstall();
});

const registryOf = (count: number) =>
  Array.from({ length: count }, (_, i) => summary(`model-${String(i).padStart(5, '0')}`, {}, { type: i % 2 ? 'LTR' : 'RAG', name: `Model ${String(i).padStart(5, '0')}` }));

/** Rows read before the registry proves larger than the limit. */
const FIRST_READ = REGISTRY_FIRST_PAGE_SIZE + Math.ceil((REGISTRY_LOCAL_LIMIT + 1 - REGISTRY_FIRST_PAGE_SIZE) / REGISTRY_PAGE_SIZE) * REGISTRY_PAGE_SIZE;
const count = (text: string) => screen.findByText((_, element) => element?.classList.contains('page-count') === true && element.textContent!.startsWith(text));

describe('registry screen, paged by the BFF', () => {
  it('shows what it read as the first pages, offers the orders the BFF knows, and reads on as the list is scrolled', async () => {
    double = installModelOpsDouble({ 'app:models:list': pagedBff(registryOf(REGISTRY_LOCAL_LIMIT + 2000)) });
    render(<RegistryScreen />);
    await count(`${FIRST_READ.toLocaleString('en')}+ models`);
    const grid = screen.getByRole('grid', { name: 'Models' });
    expect(within(grid).getAllByRole('row')[1]!.textContent).toContain('Model 00000');
    const sortOptions = within(screen.getByRole('combobox', { name: 'Sort' })).getAllByRole('option');
    expect(sortOptions.map((option) => option.textContent)).toEqual(['Name', 'Type', 'Last gate (failed first)']);
    // Columns the BFF cannot order by are not sort buttons.
    expect(within(grid).getByRole('columnheader', { name: 'Versions' }).querySelector('button')).toBeNull();
    expect(within(grid).getByRole('columnheader', { name: 'Type' }).querySelector('button')).not.toBeNull();

    // Scrolled to the last row read (jsdom scrolls nothing itself): near the end, the next page is read.
    Object.defineProperty(grid, 'scrollTop', { configurable: true, value: FIRST_READ * 52 - 600 });
    fireEvent.scroll(grid);
    await count(`${(FIRST_READ + REGISTRY_PAGE_SIZE).toLocaleString('en')}+ models`);
    expect(double.callsTo('app:models:list').at(-1)).toMatchObject({ cursor: `o${FIRST_READ}`, sort: 'name' });
  });

  it('is busy while a search is on its way, then shows the answer; a search with no match says so plainly', async () => {
    double = installModelOpsDouble({ 'app:models:list': pagedBff(registryOf(REGISTRY_LOCAL_LIMIT + 2000)) });
    render(<RegistryScreen />);
    await count(`${FIRST_READ.toLocaleString('en')}+ models`);
    const region = screen.getByRole('grid', { name: 'Models' }).parentElement!;
    fireEvent.change(screen.getByRole('searchbox', { name: 'Search models' }), { target: { value: 'model-0012' } });
    expect(region.getAttribute('aria-busy')).toBe('true');
    await count('10 matching models');
    expect(region.getAttribute('aria-busy')).toBe('false');

    fireEvent.change(screen.getByRole('searchbox', { name: 'Search models' }), { target: { value: 'no-such-model' } });
    const empty = await screen.findByText('No models match');
    expect(empty.parentElement!.textContent).not.toMatch(/loaded so far/);
    await act(() => Promise.resolve());
    fireEvent.click(screen.getByRole('button', { name: 'Clear filters' }));
    await count(`${REGISTRY_QUERY_PAGE_SIZE}+ models`);
  });

  it('shows a failed search as an error with a retry that asks again', async () => {
    const answer = pagedBff(registryOf(REGISTRY_LOCAL_LIMIT + 2000));
    double = installModelOpsDouble({ 'app:models:list': answer });
    render(<RegistryScreen />);
    await count(`${FIRST_READ.toLocaleString('en')}+ models`);
    double.on('app:models:list', () => fail('unavailable', 'database is restarting'));
    fireEvent.change(screen.getByRole('combobox', { name: 'Type' }), { target: { value: 'LTR' } });
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toMatch(/temporarily unavailable.*Database is restarting/);
    expect(screen.queryByRole('grid', { name: 'Models' })).toBeNull();
    double.on('app:models:list', answer);
    fireEvent.click(within(alert).getByRole('button', { name: 'Try again' }));
    await count(`${REGISTRY_QUERY_PAGE_SIZE}+ matching models`);
    expect(double.callsTo('app:models:list').at(-1)).toMatchObject({ type: 'LTR' });
  });

  it('filters a small registry in memory, without asking the BFF again', async () => {
    double = installModelOpsDouble({ 'app:models:list': () => ok({ items: registryOf(40), next_cursor: null }) });
    render(<RegistryScreen />);
    await count('40 models');
    fireEvent.change(screen.getByRole('combobox', { name: 'Type' }), { target: { value: 'LTR' } });
    await count('20 of 40 models');
    expect(double.callsTo('app:models:list')).toHaveLength(1);
    // While nothing matches, the table is hidden, not taken down: a match brings the same grid back.
    const grid = screen.getByRole('grid', { name: 'Models' });
    fireEvent.change(screen.getByRole('searchbox', { name: 'Search models' }), { target: { value: 'nothing like this' } });
    await screen.findByText('No models match');
    expect(screen.queryByRole('grid', { name: 'Models' })).toBeNull();
    fireEvent.change(screen.getByRole('searchbox', { name: 'Search models' }), { target: { value: 'model-0000' } });
    await count('5 of 40 models');
    expect(screen.getByRole('grid', { name: 'Models' })).toBe(grid);
    const sortOptions = within(screen.getByRole('combobox', { name: 'Sort' })).getAllByRole('option');
    expect(sortOptions).toHaveLength(6);
  });
});
