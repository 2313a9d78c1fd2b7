/** A page of a cursor-paged list of Warden's API (`{items, nextCursor}`). */
export interface Page<Item> {
  readonly items: readonly Item[];
  readonly nextCursor: string | null;
}

/** The first `limit` items of a cursor-paged list, read page by page (each at most `maxPage` long). */
export async function firstItems<Item>(
  limit: number,
  maxPage: number,
  page: (size: number, cursor: string | undefined) => Promise<Page<Item>>,
): Promise<Item[]> {
  const items: Item[] = [];
  let cursor: string | undefined;
  do {
    const next = await page(Math.min(maxPage, limit - items.length), cursor);
    items.push(...next.items);
    cursor = next.nextCursor ?? undefined;
  } while (cursor !== undefined && items.length < limit);
  return items;
}
