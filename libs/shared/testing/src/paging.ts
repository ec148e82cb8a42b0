export interface PagingCheck<T> {
  /** one page of the list under test, through its real API */
  fetchPage(cursor: string | undefined): Promise<{ data: T[]; nextCursor: string | null }>;
  /** an item's identity */
  id(item: T): string;
  /** the list's order: negative when `a` must come before `b`, never 0 for two different items */
  compare(a: T, b: T): number;
  /** every id the whole list must return, exactly once */
  expectedIds: Iterable<string>;
  /** safety stop (default: expected count + 2 pages of slack) */
  maxPages?: number;
}

/**
 * Walks a cursor-paged list to its end and checks what a partner reconciling from it relies on:
 * the items are strictly ordered across every page boundary, no item appears twice, none is
 * missing and none is unexpected. Throws a message that names the first problems it saw.
 */
export async function assertKeysetPaging<T>(check: PagingCheck<T>): Promise<{ pages: number; items: number }> {
  const expected = new Set(check.expectedIds);
  const seen = new Map<string, number>();
  const problems: string[] = [];
  let previous: T | undefined;
  let cursor: string | undefined;
  let pages = 0;
  let items = 0;
  const maxPages = check.maxPages ?? expected.size + 2;
  for (;;) {
    if (pages >= maxPages) {
      problems.push(`still not at the end after ${pages} pages`);
      break;
    }
    const page = await check.fetchPage(cursor);
    pages++;
    for (const item of page.data) {
      const id = check.id(item);
      items++;
      if (seen.has(id)) problems.push(`${id} on page ${pages} was already on page ${seen.get(id)}`);
      else seen.set(id, pages);
      if (!expected.has(id)) problems.push(`${id} (page ${pages}) is not in the list`);
      if (previous !== undefined && check.compare(previous, item) >= 0) problems.push(`${check.id(previous)} is not before ${id} (page ${pages})`);
      previous = item;
    }
    if (page.nextCursor === null) break;
    if (page.data.length === 0) {
      problems.push(`page ${pages} is empty but has a nextCursor`);
      break;
    }
    cursor = page.nextCursor;
  }
  const missing = [...expected].filter((id) => !seen.has(id));
  if (missing.length) problems.push(`${missing.length} missing, e.g. ${missing.slice(0, 5).join(', ')}`);
  if (problems.length)
    throw new Error(`the list pages wrongly (${pages} pages, ${items} items, ${expected.size} expected):\n  ${problems.slice(0, 20).join('\n  ')}`);
  return { pages, items };
}
