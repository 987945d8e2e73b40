import { Flex, Link, Text } from '@bigcommerce/big-design';

/** Where a merchant finds help: the two platforms' own guides (opened outside the control panel). */
export function HelpLinks() {
  return (
    <Flex flexGap="1.5rem" flexWrap="wrap" alignItems="center" data-testid="help-links">
      <Text as="span" color="secondary60" marginBottom="none">
        Need help?
      </Text>
      <Link href="https://www.zoho.com/inventory/help/" target="_blank" external>
        Zoho Inventory help
      </Link>
      <Link href="https://www.zoho.com/inventory/api/v1/introduction/#api-call-limit" target="_blank" external>
        Zoho API limits
      </Link>
      <Link href="https://support.bigcommerce.com/s/" target="_blank" external>
        BigCommerce Help Center
      </Link>
    </Flex>
  );
}
