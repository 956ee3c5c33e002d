import { PageHeader } from '../components/ui';

/** Placeholder until the video service is composed (replaced by its owner). */
export function VideoPage() {
  return <PageHeader title="Video" />;
}
