/**
 * The client's address as the custom server saw it on the socket (lib/server/start-server.ts
 * sets this header on every request and drops any value a client sent), so sign-in throttling
 * cannot be dodged by inventing X-Forwarded-For values.
 */
export const CLIENT_ADDRESS_HEADER = "x-mandate-client-address";

export function clientAddressFrom(headers: Headers | Record<string, string | string[] | undefined> | undefined): string {
  const value = headers instanceof Headers ? headers.get(CLIENT_ADDRESS_HEADER) : headers?.[CLIENT_ADDRESS_HEADER];
  const first = Array.isArray(value) ? value[0] : value;
  return first && first.length <= 100 ? first : "unknown";
}

/**
 * The client's address: the socket's, or with `trustedProxies` proxies in front, the address
 * the outermost of them saw (X-Forwarded-For entries added by clients themselves are ignored).
 */
export function clientAddressOf(socketAddress: string | undefined, forwardedFor: string | string[] | undefined, trustedProxies: number): string {
  if (trustedProxies > 0 && forwardedFor) {
    const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(",") : forwardedFor).split(",").map((hop) => hop.trim()).filter(Boolean);
    const address = hops[hops.length - trustedProxies];
    if (address) return address.slice(0, 100);
  }
  return socketAddress ?? "unknown";
}
