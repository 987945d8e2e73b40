import { Badge } from '@bigcommerce/big-design';
import { STATUS_VARIANTS } from '../flows.js';

export function RunStatusBadge({ status }: { status: string }) {
  return <Badge label={status} variant={STATUS_VARIANTS[status] ?? 'secondary'} />;
}
