import type { Metadata } from 'next';
import { MaskingPreview } from './masking-preview';

export const metadata: Metadata = { title: 'Masking preview · Cobrowse' };

// The custom server lets only signed-in admins reach this page.
export default function MaskingPreviewPage() {
  return <MaskingPreview />;
}
