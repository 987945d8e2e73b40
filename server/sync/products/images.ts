import { createHash } from 'node:crypto';
import { deleteProductImage, updateProductImage, uploadProductImage, type BcProductImage } from '../../bigcommerce/catalog.js';
import type { BigCommerceClient } from '../../bigcommerce/client.js';
import { BigCommerceApiError } from '../../bigcommerce/errors.js';
import { createOnce } from '../../bigcommerce/lostAnswers.js';
import { Link, linkId } from '../../db/models/index.js';
import type { ZohoClient } from '../../zoho/client.js';
import { ZohoApiError, ZohoAuthError, ZohoBudgetExhausted } from '../../zoho/errors.js';
import { Priority } from '../priority.js';
import type { RunReporter } from '../reporter.js';
import type { ImageChange } from './plan.js';

/** One product whose image changes (its product exists: created, adopted or linked). */
export interface ImageWork {
  zohoId: string;
  name: string;
  sku?: string;
  productId: number;
  change: ImageChange;
}

interface ImageContext {
  storeHash: string;
  bc: BigCommerceClient;
  zoho: ZohoClient;
  reporter: RunReporter;
  priority: Priority;
  heartbeat: () => Promise<void>;
}

/** Images are never urgent: even a webhook's download leaves the budget reserved for orders alone. */
const downloadPriority = (priority: Priority) => (priority === Priority.realtime ? Priority.reconcile : priority);

/** Downloads overlap with uploads a little; both clients still pace every call. */
const CONCURRENCY = 3;

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));
const isZohoNotFound = (error: unknown) => error instanceof ZohoApiError && (error.httpStatus === 404 || error.code === 1002);
/** BigCommerce refused the file (type, size) or has no such product: the same image again cannot help. */
const isRefusedFile = (error: unknown) => error instanceof BigCommerceApiError && [400, 404, 409, 413, 422].includes(error.status);

/**
 * Puts Zoho's images on BigCommerce products: download through the Zoho client (it needs our
 * token, and each download is a Zoho call under the daily budget), upload as a file, then delete
 * the image the app uploaded before. The link remembers Zoho's image identity, so an image is
 * downloaded again only when Zoho's changes. When the budget runs low, the remaining images wait
 * for a later run: their links are left as they were. Returns a message when some had to wait.
 */
export async function applyImages(work: ImageWork[], a: ImageContext): Promise<string | undefined> {
  let waiting: ZohoBudgetExhausted | undefined;
  let left = 0;
  let next = 0;

  const one = async (w: ImageWork) => {
    const { change } = w;
    if (change.action === 'remove') {
      await deleteProductImage(a.bc, w.productId, change.imageId, { priority: a.priority });
      await Link.updateOne({ _id: linkId(a.storeHash, 'product', w.zohoId) }, { $unset: { imageKey: 1, imageHash: 1, bigcommerceImageId: 1 } });
      return;
    }
    let file;
    try {
      file = await a.zoho.download(change.source.path, { priority: downloadPriority(a.priority) });
    } catch (error) {
      if (isZohoNotFound(error)) {
        // Zoho names an image it cannot serve: remember it, so it is not asked for at every run.
        await saveImage(a.storeHash, w.zohoId, { imageKey: change.source.key });
        throw new Error(`Zoho has no downloadable image ${change.source.filename} (${errorText(error)})`);
      }
      throw error;
    }
    const hash = createHash('sha1').update(file.bytes).digest('hex');
    if (change.replaceImageId && change.knownHash === hash) {
      // Same picture under a new identity: already on the product.
      await saveImage(a.storeHash, w.zohoId, { imageKey: change.source.key });
      return;
    }
    let uploaded;
    try {
      const upload = { bytes: file.bytes, filename: change.source.filename, contentType: file.contentType };
      uploaded = (
        await createOnce(
          () => uploadProductImage(a.bc, w.productId, upload, {}, { priority: a.priority }),
          () => findUploadedImage(a.bc, w.productId, change.source.filename, change.replaceImageId, a.priority),
        )
      ).value;
    } catch (error) {
      if (isRefusedFile(error)) await saveImage(a.storeHash, w.zohoId, { imageKey: change.source.key });
      throw new Error(`BigCommerce refused the image ${change.source.filename}: ${errorText(error)}`);
    }
    // Saved before the old image is deleted: a failed delete must not make the next run upload again.
    await saveImage(a.storeHash, w.zohoId, { imageKey: change.source.key, imageHash: hash, bigcommerceImageId: String(uploaded.id) });
    const problems: string[] = [];
    if (change.replaceImageId && change.replaceImageId !== uploaded.id) {
      await deleteProductImage(a.bc, w.productId, change.replaceImageId, { priority: a.priority }).catch((error: unknown) => {
        problems.push(`the old one (${change.replaceImageId}) could not be deleted: ${errorText(error)}`);
      });
    }
    // Zoho's image is the product's main one. A product's first image is its thumbnail already;
    // one added beside others (the merchant's, or the one it replaced) is made so.
    if (uploaded.is_thumbnail !== true) {
      await updateProductImage(a.bc, w.productId, uploaded.id, { is_thumbnail: true }, { priority: a.priority }).catch((error: unknown) => {
        problems.push(`it could not be made the product's thumbnail: ${errorText(error)}`);
      });
    }
    if (problems.length) throw new Error(`the new image is on the product, but ${problems.join('; and ')}`);
  };

  // An error that ends the run (Zoho disconnected, the run lost to another worker) stops every worker.
  let fatal: unknown;
  const worker = async () => {
    while (next < work.length && fatal === undefined) {
      const w = work[next++]!;
      if (waiting) {
        left++;
        continue;
      }
      try {
        await one(w);
      } catch (error) {
        if (error instanceof ZohoBudgetExhausted) {
          waiting = error;
          left++;
          continue;
        }
        if (error instanceof ZohoAuthError) {
          fatal = error;
          return;
        }
        await a.reporter.record({ entity: 'image', operation: 'fail', zohoId: w.zohoId, sku: w.sku || undefined, name: w.name, bigcommerceId: String(w.productId), reason: errorText(error) });
      }
      try {
        await a.heartbeat();
      } catch (error) {
        fatal = error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, work.length) }, worker));
  if (fatal !== undefined) throw fatal;
  return waiting ? `Images of ${left} product(s) wait for Zoho API budget: ${waiting.message}` : undefined;
}

/** A file name's letters and digits: how BigCommerce's stored name (`image_file`) still shows it. */
const stem = (filename: string) => filename.replace(/\.[^.]*$/, '').toLowerCase().replace(/[^a-z0-9]/g, '');

/** The file names an image's documented fields show: `image_file` and the hosted URLs' last segment. */
const shownNames = (image: BcProductImage): string[] =>
  [image.image_file, image.url_zoom, image.url_standard].flatMap((v) => (typeof v === 'string' && v ? [v.split('?')[0]!.split('/').pop() ?? ''] : []));

/**
 * After an upload's answer was lost: the product's image made from this file, if BigCommerce
 * made it (`GET /catalog/products/{id}/images`, one page). BigCommerce keeps the uploaded file's
 * name (with a suffix of its own) in `image_file` and its hosted URLs; the newest such image that
 * is not the one it replaces is it. Found by name alone, a merchant's own upload of a file of the same name made
 * since could be taken for it: it would become the product's main image, and stay on it.
 */
async function findUploadedImage(bc: BigCommerceClient, productId: number, filename: string, replacing: number | undefined, priority: Priority): Promise<BcProductImage | undefined> {
  const want = stem(filename);
  if (!want) return undefined;
  const images = (await bc.v3<BcProductImage[]>('GET', `/catalog/products/${productId}/images`, { query: { limit: 250 }, priority })).data ?? [];
  return images
    .filter((i) => i.id !== replacing && shownNames(i).some((name) => stem(name).includes(want)))
    .sort((x, y) => y.id - x.id)[0];
}

async function saveImage(storeHash: string, zohoId: string, fields: { imageKey: string; imageHash?: string; bigcommerceImageId?: string }): Promise<void> {
  await Link.updateOne({ _id: linkId(storeHash, 'product', zohoId) }, { $set: { ...fields, updatedAt: new Date() } });
}
