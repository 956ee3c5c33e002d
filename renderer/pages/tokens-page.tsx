import { PageHeader } from '../components/ui';

/** Placeholder until the tokens service is composed (replaced by its owner). */
export function TokensPage() {
  return <PageHeader title="Tokens" />;
}
