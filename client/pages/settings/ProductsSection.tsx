import { Box, Checkbox, Flex, FormGroup, Text } from '@bigcommerce/big-design';
import { PRODUCT_FIELDS } from '../../../server/settings/schema.js';
import type { SectionProps } from './fields.js';

const FIELD_LABELS: Record<(typeof PRODUCT_FIELDS)[number], string> = {
  name: 'Name',
  sku: 'SKU',
  price: 'Price',
  description: 'Description',
  weight: 'Weight',
  dimensions: 'Dimensions',
  images: 'Images',
  categories: 'Categories',
};

/** Which product fields Zoho owns, and whether new products start visible. */
export function ProductsSection({ values, update }: SectionProps) {
  return (
    <>
      <FormGroup>
        <Text marginBottom="xSmall">Fields Zoho owns (unticked fields keep what is edited in BigCommerce):</Text>
        <Flex flexWrap="wrap" flexColumnGap="1.5rem">
          {PRODUCT_FIELDS.map((field) => (
            <Box key={field}>
              <Checkbox label={FIELD_LABELS[field]} checked={values.products.zohoOwns[field]} onChange={(e) => update((d) => void (d.products.zohoOwns[field] = e.target.checked))} />
            </Box>
          ))}
        </Flex>
      </FormGroup>
      <FormGroup>
        <Checkbox
          label="Create new products visible in the storefront"
          description="Untick to create them hidden, for review before they go on sale."
          checked={values.products.createVisible}
          onChange={(e) => update((d) => void (d.products.createVisible = e.target.checked))}
        />
      </FormGroup>
    </>
  );
}
