import { createCategory, listCategories } from '../../bigcommerce/catalog.js';
import type { BigCommerceClient } from '../../bigcommerce/client.js';
import { BigCommerceApiError } from '../../bigcommerce/errors.js';
import { createOnce } from '../../bigcommerce/lostAnswers.js';
import type { Priority } from '../priority.js';

/**
 * Zoho category names → top-level BigCommerce category ids. The store's top-level categories are
 * read once per run, and only when some product write carries a category; a missing one is
 * created once. BigCommerce refuses two siblings whose names differ only in case, so names
 * match case-insensitively.
 */
export interface ResolvedCategories {
  ids: Map<string, number>;
  /** Names that could not be found or created, with BigCommerce's reason. */
  failures: Map<string, string>;
}

const keyOf = (name: string) => name.trim().toLowerCase();

export async function resolveCategories(bc: BigCommerceClient, names: Iterable<string>, priority: Priority): Promise<ResolvedCategories> {
  const wanted = [...new Set(names)];
  const ids = new Map<string, number>();
  const failures = new Map<string, string>();
  if (wanted.length === 0) return { ids, failures };

  const readTopLevel = async () => new Map((await listCategories(bc, { parent_id: 0 }, { priority })).map((c) => [keyOf(c.name), c.id]));
  let existing = await readTopLevel();
  for (const name of wanted) {
    const known = existing.get(keyOf(name));
    if (known !== undefined) {
      ids.set(name, known);
      continue;
    }
    try {
      // A lost answer: the top level is read again, and the category adopted or created again.
      const created = await createOnce(
        () => createCategory(bc, { parent_id: 0, name: name.trim() }, { priority }),
        async () => {
          const id = (existing = await readTopLevel()).get(keyOf(name));
          return id === undefined ? undefined : { id };
        },
      );
      existing.set(keyOf(name), created.value.id);
      ids.set(name, created.value.id);
    } catch (error) {
      // 409: created meanwhile (another run, the merchant): read again and use it.
      if (error instanceof BigCommerceApiError && error.status === 409) {
        existing = await readTopLevel();
        const found = existing.get(keyOf(name));
        if (found !== undefined) {
          ids.set(name, found);
          continue;
        }
      }
      failures.set(name, error instanceof Error ? error.message : String(error));
    }
  }
  return { ids, failures };
}
