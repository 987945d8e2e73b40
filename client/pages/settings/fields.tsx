import { Button, Flex, FlexItem, FormGroup, Input, Select } from '@bigcommerce/big-design';
import type { Schedule, Settings } from '../../../server/settings/schema.js';

/** What every settings section gets: the values, the inline errors by field path, and an edit function. */
export interface SectionProps {
  values: Settings;
  errors: Record<string, string>;
  update(edit: (draft: Settings) => void): void;
}

/** The first error at or under a field path ("orders.salesOrderPrefix", "stock.locations.0"). */
export const errorAt = (errors: Record<string, string>, path: string): string | undefined =>
  errors[path] ?? Object.entries(errors).find(([key]) => key.startsWith(`${path}.`))?.[1];

/** zod's generic messages in the merchant's words; the schema's own messages are kept. */
export function friendlyMessage(issue: { code: string; message: string; minimum?: unknown }): string {
  if (issue.code === 'too_small' && issue.minimum === 1) return 'Required';
  if (issue.code === 'invalid_type') return /received (undefined|NaN)/.test(issue.message) ? 'Required' : issue.message;
  if (issue.code === 'too_big' || issue.code === 'too_small') {
    return issue.message.replace(/^Too (big|small): expected \w+ to (be|have) /, 'Must be ').replace('<=', 'at most ').replace('>=', 'at least ');
  }
  return issue.message;
}

/** A number input's text as the schema expects it: a number, or absent while empty. */
export const numberOrUndefined = (text: string): number | undefined => (text.trim() === '' ? undefined : Number(text));

/** An interval ("1h") or times of day ("03:00, 15:00") in a time zone. */
export function ScheduleField({ value, errors, path, onChange }: { value: Schedule; errors: Record<string, string>; path: string; onChange(s: Schedule): void }) {
  const mode = 'every' in value ? 'every' : 'times';
  const error = (field: string) => errorAt(errors, `${path}.${field}`) ?? errors[path];
  return (
    <Flex alignItems="flex-start" flexGap="1rem" marginBottom="medium" flexWrap="wrap">
      <FlexItem flexBasis="200px">
        <Select
          label="Schedule"
          value={mode}
          onOptionChange={(m) => onChange(m === 'every' ? { every: '1h' } : { times: ['03:00'], timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone })}
          options={[
            { value: 'every', content: 'Every…' },
            { value: 'times', content: 'At times of day' },
          ]}
        />
      </FlexItem>
      {'every' in value ? (
        <FlexItem flexBasis="200px">
          <FormGroup><Input label="Interval (15m, 1h, 1d…)" value={value.every} error={error('every')} onChange={(e) => onChange({ every: e.target.value })} /></FormGroup>
        </FlexItem>
      ) : (
        <>
          <FlexItem flexBasis="240px">
            <FormGroup><Input
              label="Times of day (HH:MM, comma-separated)"
              value={value.times.join(', ')}
              error={error('times')}
              onChange={(e) => onChange({ ...value, times: e.target.value.split(',').map((t) => t.trim()).filter(Boolean) })}
            /></FormGroup>
          </FlexItem>
          <FlexItem flexBasis="240px">
            <FormGroup><Input label="Time zone" placeholder="Europe/London" value={value.timeZone} error={errorAt(errors, `${path}.timeZone`)} onChange={(e) => onChange({ ...value, timeZone: e.target.value })} /></FormGroup>
          </FlexItem>
        </>
      )}
    </Flex>
  );
}

/** "Remove" for one row of a list setting. */
export function RemoveRow({ onClick, label }: { onClick(): void; label: string }) {
  return (
    <Button variant="subtle" actionType="destructive" onClick={onClick} aria-label={label} marginTop="xLarge">
      Remove
    </Button>
  );
}
