import type { Metadata, Viewport } from "next";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Mandate", template: "%s · Mandate" },
  description: "Decide what your customer-service AI agents may do.",
  // Static assets live in public/ (the icon, the logo, robots.txt: a console is never indexed).
  icons: { icon: { url: "/icon.svg", type: "image/svg+xml" } },
  robots: { index: false, follow: false },
};

// Every page is rendered per request: each response carries its own CSP nonce (lib/server/security-headers.ts).
export const dynamic = "force-dynamic";

export const viewport: Viewport = { width: "device-width", initialScale: 1 };

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen font-sans">{children}</body>
    </html>
  );
}
