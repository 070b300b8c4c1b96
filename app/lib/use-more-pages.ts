'use client';

import { useState } from 'react';

/**
 * The pages a "Load more" button appended after a first page that `useQuery` keeps. They belong
 * to the first page they followed: when that page is fetched again (a reload, other filters),
 * they are dropped, and an answer that arrives after that is never shown — no request counters.
 */
export function useMorePages<First, Page>(first: First | undefined) {
  const [more, setMore] = useState<{ after: First; pages: Page[] } | null>(null);
  const pages = first !== undefined && more?.after === first ? more.pages : [];
  const append = (after: First, page: Page) =>
    setMore((current) => ({ after, pages: current?.after === after ? [...current.pages, page] : [page] }));
  return { pages, append };
}
