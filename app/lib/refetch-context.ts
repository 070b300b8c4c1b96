'use client';

import { useMemo } from 'react';

/**
 * A `useQuery` context that changes with `version`: urql runs a query again when its context
 * changes, so a parent that knows the data changed (a lifecycle event) bumps the version.
 */
export const useRefetchContext = (version: number) => useMemo(() => ({ version }), [version]);
