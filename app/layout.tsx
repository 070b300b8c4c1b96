import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import { GraphQLProvider } from './lib/graphql-provider';
import './globals.css';

export const metadata: Metadata = {
  title: 'Cobrowse',
  description: 'Live co-browsing for support teams',
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <GraphQLProvider>{children}</GraphQLProvider>
      </body>
    </html>
  );
}
