// @ts-check
/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // The custom server (server/) owns /api/graphql and /widget.js; Next serves the pages.
  typescript: { ignoreBuildErrors: false },
};

export default nextConfig;
