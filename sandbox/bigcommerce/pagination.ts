/**
 * Page/limit pagination as both API versions do it: `page` from 1, `limit` defaulting to 50
 * and capped at the platform's maximum (250). v3 answers `meta.pagination`; v2 answers a
 * bare array (and 204 when the page is empty).
 */

export interface PageRequest {
  page: number;
  limit: number;
}

export const DEFAULT_PAGE_SIZE = 50;

function positiveInt(value: unknown): number | undefined {
  if (typeof value !== 'string' || !/^\d+$/.test(value)) return undefined;
  const n = Number(value);
  return n >= 1 ? n : undefined;
}

export function pageRequest(query: Record<string, unknown>, maxPageSize: number, defaultSize = DEFAULT_PAGE_SIZE): PageRequest {
  const page = positiveInt(query.page) ?? 1;
  const limit = Math.min(positiveInt(query.limit) ?? defaultSize, maxPageSize);
  return { page, limit };
}

export function slicePage<T>(items: readonly T[], { page, limit }: PageRequest): T[] {
  return items.slice((page - 1) * limit, page * limit);
}

export interface V3Pagination {
  total: number;
  count: number;
  per_page: number;
  current_page: number;
  total_pages: number;
  links: { previous?: string; current: string; next?: string };
}

/** `{data, meta: {pagination}}` for one page of `items`. */
export function v3Page<T, R>(items: readonly T[], request: PageRequest, map: (item: T) => R) {
  const data = slicePage(items, request).map(map);
  const totalPages = Math.ceil(items.length / request.limit);
  const link = (page: number) => `?page=${page}&limit=${request.limit}`;
  const pagination: V3Pagination = {
    total: items.length,
    count: data.length,
    per_page: request.limit,
    current_page: request.page,
    total_pages: totalPages,
    links: {
      ...(request.page > 1 ? { previous: link(request.page - 1) } : {}),
      current: link(request.page),
      ...(request.page < totalPages ? { next: link(request.page + 1) } : {}),
    },
  };
  return { data, meta: { pagination } };
}
